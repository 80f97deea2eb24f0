import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PlannedSchedule } from '../../shared/config/schedule-plan.js';

export interface CheckSchedulesProps {
  readonly plan: readonly PlannedSchedule[];
  readonly target: IFunction;
  /** Where an invocation that still fails after its retries goes. */
  readonly deadLetterQueue: IQueue;
  /** Prefix that keeps two deployments' schedules apart, e.g. `vigil-prod`. */
  readonly groupName: string;
}

/** One EventBridge Scheduler schedule per planned bucket, each with finite retries and a DLQ. */
export class CheckSchedules extends Construct {
  readonly group: ScheduleGroup;
  readonly schedules: Schedule[];

  constructor(scope: Construct, id: string, props: CheckSchedulesProps) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName });
    this.schedules = props.plan.map(
      (planned) =>
        new Schedule(this, planned.name, {
          scheduleName: planned.name,
          scheduleGroup: this.group,
          description: `Vigil checks: ${planned.checks.join(', ')}`.slice(0, 512),
          schedule: ScheduleExpression.expression(planned.expression),
          target: new LambdaInvoke(props.target, {
            input: ScheduleTargetInput.fromObject({ checks: planned.checks }),
            // A round missed by more than its own rate is better dropped than run late.
            maxEventAge: Duration.minutes(5),
            retryAttempts: 2,
            deadLetterQueue: props.deadLetterQueue,
          }),
        }),
    );
  }
}
