import { Duration } from 'aws-cdk-lib';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { Alerting } from './alerting.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { StateTable } from './state-table.js';
import { VigilFunction } from './vigil-function.js';

export interface NotifierProps {
  readonly state: StateTable;
  readonly alerting: Alerting;
  /** Named in messages as the function that acknowledges incidents. */
  readonly incidentsFunctionName: string;
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
      timeout: Duration.seconds(30),
      environment: {
        TABLE_NAME: state.table.tableName,
        TOPIC_ARN: alerting.alerts.topicArn,
        ESCALATION_TOPIC_ARN: alerting.escalations.topicArn,
        INCIDENTS_FUNCTION: props.incidentsFunctionName,
      },
    });
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    state.grantNotify(this.function);
    alerting.alerts.grantPublish(this.function);
    alerting.escalations.grantPublish(this.function);

    this.function.addEventSource(
      new DynamoEventSource(state.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 20,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(6),
        onFailure: new SqsDlq(this.deadLetters),
        // Only check-state writes can carry a transition; the rest never wake the function.
        filters: [FilterCriteria.filter({ dynamodb: { NewImage: { type: { S: FilterRule.isEqual('check') } } } })],
      }),
    );
  }
}
