import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { VigilConfig } from '../../shared/config/schema.js';
import { grantPublishing } from './alerting.js';
import { acknowledgeWildcards } from './nag.js';
import { RunWakes } from './run-wakes.js';
import type { AwsAccess } from './aws-access.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { StateTable } from './state-table.js';
import { runbookCheckIds, runbookNeeds } from '../needs.js';
import { remediationRegistry } from '../../shared/remediations/index.js';
import { triggeringChecks } from '../../shared/config/triggers.js';
import { namesOf } from '../../shared/runbooks/match.js';
import { VigilFunction, type VigilFunctionProps } from './vigil-function.js';

export interface AlarmResponderProps {
  readonly config: VigilConfig;
  readonly state: StateTable;
  readonly access: AwsAccess;
  /** e.g. `vigil-prod`; the functions are named from it, as notifications name them. */
  readonly prefix: string;
  /** Where on-alarm pages when it cannot record what it is doing, and says when a retry finished it. */
  readonly escalations: ITopic;
  /** Where an action run by hand on no incident is told (an action on an incident goes through the outbox). */
  readonly alerts: ITopic;
  /** Where failed asynchronous invocations of the functions go. */
  readonly functionDeadLetters: IQueue;
  /** Cap concurrency: at most this many alarms handled at once, and two manual remediations. @default no cap */
  readonly onAlarmConcurrency?: number;
  /** Placement in the VPC, when runbooks reach private databases. @default none */
  readonly vpc?: VigilFunctionProps['vpc'];
}

/** CloudWatch alarms → runbooks: the on-alarm function behind an EventBridge rule, and remediate for approvals. */
export class AlarmResponder extends Construct {
  readonly onAlarm: VigilFunction;
  readonly remediate: VigilFunction;
  readonly deadLetters: DeadLetterQueue;
  readonly rule: Rule | undefined;
  /** Whether on-alarm reads the state table's stream (some runbook is started by a check). */
  readsStream = false;

  constructor(scope: Construct, id: string, props: AlarmResponderProps) {
    super(scope, id);
    const { config, state, access, prefix } = props;
    const remediateName = `${prefix}-remediate`;
    const environment = { TABLE_NAME: state.table.tableName, REMEDIATE_FUNCTION: remediateName };

    // Verify steps wait for the target to settle: room for the longest runbook.
    const common = {
      config,
      timeout: Duration.minutes(10),
      environment,
      deadLetterQueue: props.functionDeadLetters,
      ...(props.vpc ? { vpc: props.vpc } : {}),
      ...runbookNeeds(config),
    };
    const cap = (n: number) => (props.onAlarmConcurrency ? { reservedConcurrency: n } : {});
    this.onAlarm = new VigilFunction(this, 'OnAlarm', {
      name: 'on-alarm',
      functionName: `${prefix}-on-alarm`,
      ...common,
      environment: { ...environment, ESCALATION_TOPIC_ARN: props.escalations.topicArn },
      ...cap(props.onAlarmConcurrency ?? 0),
    });
    // Fail loud: an alarm whose handling cannot be recorded still pages someone.
    grantPublishing(this.onAlarm, props.escalations);
    // Invoked by hand (synchronously): retrying a manual action on its own would surprise its operator.
    this.remediate = new VigilFunction(this, 'Remediate', {
      name: 'remediate',
      functionName: remediateName,
      ...common,
      environment: { ...environment, TOPIC_ARN: props.alerts.topicArn },
      retryAttempts: 0,
      ...cap(2),
    });
    // Every action reaches a person: one on no incident is told on the alerts topic.
    grantPublishing(this.remediate, props.alerts);
    const stepChecks = runbookCheckIds(config);
    const runbookChecks = config.checks.filter((c) => stepChecks.has(c.id));
    for (const fn of [this.onAlarm, this.remediate]) {
      state.grantRunbooks(fn);
      // What its runbooks' diagnose and verify steps run.
      access.grantRemediations(fn, runbookChecks);
    }

    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    const pattern = alarmPattern(config);
    this.rule = pattern
      ? new Rule(this, 'AlarmStateChange', {
          description: 'CloudWatch alarms that Vigil runbooks answer',
          eventPattern: { source: ['aws.cloudwatch'], detailType: ['CloudWatch Alarm State Change'], detail: pattern },
          targets: [new LambdaFunction(this.onAlarm, { deadLetterQueue: this.deadLetters, retryAttempts: 2, maxEventAge: Duration.hours(1) })],
        })
      : undefined;
    this.readDeployments(config);
    this.readCheckTransitions(config, state);
    this.scheduleRunbooks(config, prefix, props.alerts);
    // A run that sleeps across invocations (a wait step, an action it follows: a restore) schedules its own wake-up.
    if (runsSleep(config))
      new RunWakes(this, 'Wakes', {
        onAlarm: this.onAlarm,
        schedulers: [this.onAlarm, this.remediate],
        onAlarmName: `${prefix}-on-alarm`,
        deadLetters: this.deadLetters,
        prefix,
      });
  }

  /** The runbooks that start on a schedule: one Scheduler schedule each, into on-alarm, which tells their actions on the alerts topic. */
  private scheduleRunbooks(config: VigilConfig, prefix: string, alerts: ITopic): void {
    const scheduled = config.runbooks.filter((r) => r.match.schedule);
    if (!scheduled.length) return;
    this.onAlarm.addEnvironment('TOPIC_ARN', alerts.topicArn);
    grantPublishing(this.onAlarm, alerts);
    for (const runbook of scheduled) {
      const { expression, timezone } = runbook.match.schedule!;
      new Schedule(this, `Runbook-${runbook.id}`, {
        scheduleName: `${prefix}-runbook-${runbook.id}`.slice(0, 64),
        description: `Vigil: runbook ${runbook.id}`,
        schedule: ScheduleExpression.expression(expression, TimeZone.of(timezone)),
        target: new LambdaInvoke(this.onAlarm, {
          // The due time is the run's identity: a retried firing takes over its own run, never starts a second.
          input: ScheduleTargetInput.fromObject({ scheduledRunbook: runbook.id, at: ContextAttribute.scheduledTime }),
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.deadLetters,
        }),
      });
    }
    // The target's role is the stack's, named by a hash; its invoke statement covers the function and its versions (`arn:*`).
    for (const role of Stack.of(this).node.children.filter((c) => c.node.id.startsWith('SchedulerRoleForTarget-'))) {
      acknowledgeWildcards(
        role,
        [`${this.onAlarm.functionArn}:*`],
        'The scheduler may invoke the on-alarm function for scheduled runbooks; ":*" covers its versions and aliases, as the Scheduler target grants it.',
      );
    }
  }

  /** The rollouts of the services the config names: ECS's own events, to hold their checks and handle a failure. */
  private readDeployments(config: VigilConfig): void {
    if (!config.deployments.length) return;
    const stack = Stack.of(this);
    new Rule(this, 'DeploymentStateChange', {
      description: 'ECS rollouts that hold Vigil checks',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Deployment State Change'],
        resources: config.deployments.map((d) => stack.formatArn({ service: 'ecs', resource: 'service', resourceName: d.service })),
      },
      targets: [new LambdaFunction(this.onAlarm, { deadLetterQueue: this.deadLetters, retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
  }

  /**
   * The runbooks Vigil's own checks start: the state table's stream into on-alarm, only the writes of
   * failing checks' states. A second reader of the stream beside notify, so a slow fix delays no message.
   */
  private readCheckTransitions(config: VigilConfig, state: StateTable): void {
    const checks = [...new Set(config.runbooks.flatMap((r) => triggeringChecks(r, config).map((c) => c.id)))];
    if (!checks.length) return;
    this.readsStream = true;
    this.onAlarm.addEventSource(
      new DynamoEventSource(state.table, {
        // From now on: transitions written before the deploy are not acted on, however recent.
        startingPosition: StartingPosition.LATEST,
        // One record per invocation, ten at once per shard: one check's slow fix holds up no other check's.
        batchSize: 1,
        parallelizationFactor: 10,
        reportBatchItemFailures: true,
        retryAttempts: 3,
        // A fix for an hour-old transition is a guess about a system that has moved on.
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.deadLetters),
        // A runbook starts only while its check fails. The function decides which (triggerFor): a list of
        // check keys here would outgrow Lambda's 4,096-character filter at a few hundred checks.
        filters: [FilterCriteria.filter({ dynamodb: { NewImage: { type: { S: FilterRule.isEqual('check') }, failing: { BOOL: FilterRule.isEqual(true) } } } })],
      }),
    );
    Validations.of(this.onAlarm.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: "dynamodb:ListStreams, added by the stream event source, has no resource-level permissions; every other stream action names the table's stream.",
    });
  }
}

/** Only the alarms some runbook names, by name, prefix, or propagated tags. */
export function alarmPattern(config: VigilConfig): Record<string, unknown> | undefined {
  const names: unknown[] = [];
  const byTags: Record<string, unknown>[] = [];
  for (const runbook of config.runbooks) {
    const { match } = runbook;
    const named = namesOf(runbook, config.alarms);
    // A runbook only checks start answers no alarm.
    if (named) names.push(...named);
    else if (match.alarmPrefix) names.push({ prefix: match.alarmPrefix });
    else if (match.tags) byTags.push({ alarmTags: Object.fromEntries(Object.entries(match.tags).map(([k, v]) => [k, [v]])) });
  }
  const alternatives = [...(names.length ? [{ alarmName: names }] : []), ...byTags];
  if (!alternatives.length) return undefined;
  return alternatives.length === 1 ? alternatives[0] : { $or: alternatives };
}

/**
 * Whether a run may sleep: a runbook waits, or a remediation goes on after its call (a restore test), which
 * a runbook or an operator (through remediate) may start.
 */
function runsSleep(config: VigilConfig): boolean {
  return config.runbooks.some((r) => r.steps.some((s) => 'wait' in s)) || config.remediations.some((r) => remediationRegistry.get(r.kind)?.follow);
}
