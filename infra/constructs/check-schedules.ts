import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PlannedSchedule } from '../../shared/config/schedule-plan.js';
import { acknowledgeWildcards } from './nag.js';

export interface CheckSchedulesProps {
  readonly plan: readonly PlannedSchedule[];
  /** The run-checks function for each network its schedules need. */
  readonly targets: { public: IFunction; vpc?: IFunction | undefined };
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
    // Its name is fixed, so a kept group would stop the next deploy of this environment; its schedules are all this stack's.
    this.group = new ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName, removalPolicy: RemovalPolicy.DESTROY });
    this.schedules = props.plan.map(
      (planned) =>
        new Schedule(this, planned.name, {
          scheduleName: planned.name,
          scheduleGroup: this.group,
          description: `Vigil checks: ${planned.checks.join(', ')}`.slice(0, 512),
          schedule: ScheduleExpression.expression(planned.expression),
          target: new LambdaInvoke(targetFor(planned, props.targets), {
            input: ScheduleTargetInput.fromObject({ checks: planned.checks }),
            // A round missed by more than its own rate is better dropped than run late.
            maxEventAge: Duration.minutes(5),
            retryAttempts: 2,
            deadLetterQueue: props.deadLetterQueue,
          }),
        }),
    );
    // The target's role is the stack's, named by a hash; its invoke statement covers the function and its versions (`arn:*`).
    const stack = Stack.of(this);
    const targets = [props.targets.public, props.targets.vpc].filter((t) => t !== undefined);
    for (const role of stack.node.children.filter((c) => c.node.id.startsWith('SchedulerRoleForTarget-'))) {
      acknowledgeWildcards(
        role,
        targets.map((t) => `${t.functionArn}:*`),
        'The scheduler may invoke only the run-checks function; ":*" covers its versions and aliases, as the Scheduler target grants it.',
      );
    }
  }
}

function targetFor(planned: PlannedSchedule, targets: CheckSchedulesProps['targets']): IFunction {
  if (planned.network === 'public') return targets.public;
  if (!targets.vpc) throw new Error(`schedule ${planned.name} runs checks in the VPC, but no VPC function was made`);
  return targets.vpc;
}
