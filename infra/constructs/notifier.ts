import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { VigilConfig } from '../../shared/config/schema.js';
import { grantPublishing, type Alerting } from './alerting.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { StateTable } from './state-table.js';
import { VigilFunction } from './vigil-function.js';

export interface NotifierProps {
  /** The validated config: severities, escalation and quiet rules decide what is sent. */
  readonly config: VigilConfig;
  /** The checks as files (infra/check-catalog.ts), shipped beside its code. */
  readonly catalog: Readonly<Record<string, string>>;
  readonly state: StateTable;
  readonly alerting: Alerting;
  /** Named in messages as the function that acknowledges incidents. */
  readonly incidentsFunctionName: string;
  readonly functionDeadLetters: IQueue;
  /** Every transition is also put here as an event, for pagers and chat tools to subscribe to with rules. */
  readonly handoffs: IEventBus;
  /** Where the status page is written. */
  readonly statusBucket: IBucket;
  /** Where readers find it, when CloudFront serves it: the feed links there. */
  readonly statusUrl?: string | undefined;
}

/** The outbox reader: the state table's stream into the notify function, with bounded retries and an on-failure queue. */
export class Notifier extends Construct {
  readonly function: VigilFunction;
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);
    const { state, alerting } = props;
    this.function = new VigilFunction(this, 'Function', {
      name: 'notify',
      config: props.config,
      // The checks ship beside the code: a message reads the ones it is about.
      generatedFiles: props.catalog,
      timeout: Duration.seconds(30),
      // Only the stream invokes it; its failures go to the mapping's on-failure queue below.
      deadLetterQueue: props.functionDeadLetters,
      environment: {
        TABLE_NAME: state.table.tableName,
        TOPIC_ARN: alerting.alerts.topicArn,
        ESCALATION_TOPIC_ARN: alerting.escalations.topicArn,
        STAKEHOLDERS_TOPIC_ARN: alerting.stakeholders.topicArn,
        INCIDENTS_FUNCTION: props.incidentsFunctionName,
        EVENT_BUS_NAME: props.handoffs.eventBusName,
        STATUS_BUCKET: props.statusBucket.bucketName,
        ...(props.statusUrl ? { STATUS_PAGE_URL: props.statusUrl } : {}),
      },
    });
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    state.grantNotify(this.function);
    // The escalation chain's levels that name a topic of their own get it too.
    const levels = props.config.incidents.escalation.flatMap((level, i) => (level.topic ? [Topic.fromTopicArn(this, `Level${i + 1}`, level.topic)] : []));
    grantPublishing(this.function, alerting.alerts, alerting.escalations, alerting.stakeholders, ...levels);
    props.handoffs.grantPutEventsTo(this.function);
    // OpsCenter, when the config asks for OpsItems: creating and finding them takes no resource (IAM allows only "*").
    if (props.config.incidents.opsCenter) {
      this.function.addToRolePolicy(new PolicyStatement({ actions: ['ssm:CreateOpsItem', 'ssm:DescribeOpsItems'], resources: ['*'] }));
      this.function.addToRolePolicy(
        new PolicyStatement({
          actions: ['ssm:UpdateOpsItem'],
          resources: [Stack.of(this).formatArn({ service: 'ssm', resource: 'opsitem', resourceName: '*' })],
        }),
      );
    }
    // The page's three files, and nothing else: no read, no delete.
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: ['index.html', 'summary.json', 'feed.atom'].map((key) => props.statusBucket.arnForObjects(key)),
      }),
    );
    Validations.of(this.function.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: "dynamodb:ListStreams, added by the stream event source, has no resource-level permissions; every other stream action names the table's stream.",
    });

    this.function.addEventSource(
      new DynamoEventSource(state.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 20,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(6),
        onFailure: new SqsDlq(this.deadLetters),
        // Only check-state writes carry a transition, and the brake's its going on or off; the rest never wake the function.
        filters: [FilterCriteria.filter({ dynamodb: { NewImage: { type: { S: FilterRule.or('check', 'brake') } } } })],
      }),
    );
  }
}
