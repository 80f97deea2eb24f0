import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleGroup, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PlannedTick } from '../../shared/config/schedule-plan.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { acknowledgeWildcards } from './nag.js';
import { VigilFunction } from './vigil-function.js';

export interface CheckSchedulesProps {
  readonly config: VigilConfig;
  readonly plan: readonly PlannedTick[];
  /** The run-checks function for each network its ticks need. */
  readonly targets: { public: IFunction; vpc?: IFunction | undefined };
  /** Where a tick whose invocation still fails goes. */
  readonly deadLetterQueue: IQueue;
  /** Where the dispatch function's failed invocations go. */
  readonly functionDeadLetters: IQueue;
  /** Prefix that keeps two deployments' schedules apart, e.g. `vigil-prod`. */
  readonly groupName: string;
}

/**
 * One EventBridge Scheduler schedule per expression (a tick), each invoking the dispatch function, which
 * starts run-checks once per bucket of up to 50 checks. The stack's size does not grow with the checks:
 * their plan is a file per tick in the dispatch function's code.
 */
export class CheckSchedules extends Construct {
  readonly group: ScheduleGroup;
  readonly schedules: Schedule[];
  readonly dispatch: VigilFunction;

  constructor(scope: Construct, id: string, props: CheckSchedulesProps) {
    super(scope, id);
    const { public: publicFn, vpc } = props.targets;
    this.dispatch = new VigilFunction(scope, 'Dispatch', {
      name: 'dispatch',
      config: props.config,
      // A large tick is spread over 20 s (shared/engine/dispatch.ts); the rest is margin.
      timeout: Duration.seconds(60),
      memorySize: 128,
      quietPlatformLogs: true,
      deadLetterQueue: props.functionDeadLetters,
      // A tick is not retried: its buckets that went would run twice, and the next tick comes within its rate.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(5),
      environment: { RUN_CHECKS_FUNCTION: publicFn.functionName, ...(vpc ? { RUN_CHECKS_VPC_FUNCTION: vpc.functionName } : {}) },
      generatedFiles: Object.fromEntries(props.plan.map((tick) => [`ticks/${tick.name}.json`, JSON.stringify(tick)])),
    });
    for (const fn of [publicFn, vpc]) fn?.grantInvoke(this.dispatch);

    // Its name is fixed, so a kept group would stop the next deploy of this environment; its schedules are all this stack's.
    this.group = new ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName, removalPolicy: RemovalPolicy.DESTROY });
    this.schedules = props.plan.map(
      (tick) =>
        new Schedule(this, tick.name, {
          scheduleName: tick.name,
          scheduleGroup: this.group,
          description: `Vigil: ${tick.buckets.reduce((n, b) => n + b.checks.length, 0)} checks in ${tick.buckets.length} run-checks invocations`,
          schedule: ScheduleExpression.expression(tick.expression),
          target: new LambdaInvoke(this.dispatch, {
            input: ScheduleTargetInput.fromObject({ tick: tick.name }),
            // A round missed by more than its own rate is better dropped than run late.
            maxEventAge: Duration.minutes(5),
            retryAttempts: 2,
            deadLetterQueue: props.deadLetterQueue,
          }),
        }),
    );
    // The target's role is the stack's, named by a hash; its invoke statement covers the function and its versions (`arn:*`).
    const stack = Stack.of(this);
    for (const role of stack.node.children.filter((c) => c.node.id.startsWith('SchedulerRoleForTarget-'))) {
      acknowledgeWildcards(
        role,
        [`${this.dispatch.functionArn}:*`],
        'The scheduler may invoke only the dispatch function; ":*" covers its versions and aliases, as the Scheduler target grants it.',
      );
    }
    // grantInvoke covers each run-checks function and its versions.
    acknowledgeWildcards(
      this.dispatch.role!,
      [publicFn, vpc].filter((f) => f !== undefined).map((f) => `${f.functionArn}:*`),
      'The dispatch function may invoke only the run-checks functions; ":*" covers their versions and aliases, as grantInvoke writes it.',
    );
  }
}
