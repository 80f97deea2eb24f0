import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { STATE_TABLE } from '../../shared/state/table.js';

export interface StateTableProps {
  /**
   * A table an earlier deployment kept (a destroyed stack leaves it behind on purpose), to carry on
   * with its history: its name and its stream's ARN. @default a new table
   */
  readonly existing?: { readonly name: string; readonly streamArn: string };
}

/** The state table of docs/state.md: on demand, PITR, TTL, a NEW_AND_OLD_IMAGES stream (the outbox), kept on stack deletion. */
export class StateTable extends Construct {
  readonly table: ITable;

  constructor(scope: Construct, id: string, props: StateTableProps = {}) {
    super(scope, id);
    if (props.existing) {
      this.table = Table.fromTableAttributes(this, 'Table', { tableName: props.existing.name, tableStreamArn: props.existing.streamArn });
      return;
    }
    const { partitionKey, sortKey, ttlAttribute, activeIndex } = STATE_TABLE;
    const table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: ttlAttribute,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: activeIndex.name,
      partitionKey: { name: activeIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: activeIndex.sortKey, type: AttributeType.STRING },
    });
    this.table = table;
  }

  /** run-checks: read states and silences, write states and history. No deletes, no scans. */
  grantRecordRounds(grantee: IGrantable) {
    this.grant(grantee, ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem']);
    // A bucket's summary is dropped when a round cannot keep it; nothing else may be deleted.
    this.grant(grantee, ['dynamodb:DeleteItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['BUCKET#*'] } });
  }

  /** on-alarm and remediate: check states, guards, runs, timelines, proposals. Every write a conditional put; no deletes, no scans. */
  grantRunbooks(grantee: IGrantable) {
    this.grant(grantee, ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem']);
    this.grantMarkTouched(grantee);
  }

  /** incidents: read incidents and timelines, write check states and guards, add and remove silences. No scans. */
  grantOperator(grantee: IGrantable) {
    this.grant(grantee, ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem']);
    this.grantMarkTouched(grantee);
  }

  /** Who writes a check state outside a round moves the marker that tells rounds to read their checks again: an update of that one item. */
  private grantMarkTouched(grantee: IGrantable) {
    this.grant(grantee, ['dynamodb:UpdateItem'], { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CONTROL'] } });
  }

  /**
   * notify: whether a transition was sent, incident records and timelines, the open-incident count, the states of
   * the dependents and group members a message names, and the brake.
   */
  grantNotify(grantee: IGrantable) {
    this.grant(grantee, ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem']);
  }

  /** The table and its one index by name: no wildcard, unlike Table.grant's `index/*`. */
  private grant(grantee: IGrantable, actions: string[], conditions?: Record<string, Record<string, string[]>>) {
    const { tableArn } = this.table;
    const resources = [tableArn, `${tableArn}/index/${STATE_TABLE.activeIndex.name}`];
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
  }
}
