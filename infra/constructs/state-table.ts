import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { STATE_TABLE } from '../../shared/store/table.js';

/** The state table of docs/state.md: on demand, PITR, TTL, a NEW_AND_OLD_IMAGES stream (the outbox), kept on stack deletion. */
export class StateTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { partitionKey, sortKey, ttlAttribute, activeIndex } = STATE_TABLE;
    this.table = new Table(this, 'Table', {
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
    this.table.addGlobalSecondaryIndex({
      indexName: activeIndex.name,
      partitionKey: { name: activeIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: activeIndex.sortKey, type: AttributeType.STRING },
    });
  }

  /** run-checks: read states and silences, write states and history. No deletes, no scans. */
  grantRecordRounds(grantee: IGrantable) {
    this.grant(grantee, 'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem');
  }

  /** on-alarm and remediate: check states, guards, runs, timelines, proposals. Every write a conditional put; no deletes, no scans. */
  grantRunbooks(grantee: IGrantable) {
    this.grant(grantee, 'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem');
  }

  /** incidents: read incidents and timelines, write check states and guards, add and remove silences. No scans. */
  grantOperator(grantee: IGrantable) {
    this.grant(grantee, 'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
  }

  /** notify: whether a transition was sent, incident records and timelines, the open-incident count. */
  grantNotify(grantee: IGrantable) {
    this.grant(grantee, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem');
  }

  /** The table and its one index by name: no wildcard, unlike Table.grant's `index/*`. */
  private grant(grantee: IGrantable, ...actions: string[]) {
    const { tableArn } = this.table;
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [tableArn, `${tableArn}/index/${STATE_TABLE.activeIndex.name}`] }));
  }
}
