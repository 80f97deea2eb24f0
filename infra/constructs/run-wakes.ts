import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './nag.js';
import type { VigilFunction } from './vigil-function.js';

export interface RunWakesProps {
  /** Where a wake-up goes. */
  readonly onAlarm: VigilFunction;
  /** Who may schedule one: on-alarm, and remediate (an approval's run goes on through the runbook's wait). */
  readonly schedulers: VigilFunction[];
  /** Its name as deployed, fixed: its own ARN in its environment would be a cycle. */
  readonly onAlarmName: string;
  readonly deadLetters: Queue;
  /** e.g. `vigil-prod`: the wake-up schedules are named from it. */
  readonly prefix: string;
}

/**
 * What lets a run that waits be woken: on-alarm may create (and reset) one-time Scheduler schedules named
 * `<prefix>-wake-…`, each invoking it back through a role that may invoke only on-alarm and put only on its dead-letter queue.
 */
export class RunWakes extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: RunWakesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const onAlarmArn = stack.formatArn({ service: 'lambda', resource: 'function', resourceName: props.onAlarmName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'Vigil: wakes a run that waits, by invoking on-alarm',
    });
    this.role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [onAlarmArn] }));
    props.deadLetters.grantSendMessages(this.role);

    const schedules = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `default/${props.prefix}-wake-*` });
    for (const fn of props.schedulers) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule'], resources: [schedules] }));
      fn.addToRolePolicy(new PolicyStatement({ actions: ['iam:PassRole'], resources: [this.role.roleArn] }));
      acknowledgeWildcards(
        fn.role!,
        [schedules],
        'A wake-up schedule is named by the run it wakes, unknown at deploy: the statement is held to the default group and to this deployment’s prefix.',
      );
      fn.addEnvironment('WAKE_TARGET_ARN', onAlarmArn);
      fn.addEnvironment('WAKE_ROLE_ARN', this.role.roleArn);
      fn.addEnvironment('WAKE_DLQ_ARN', props.deadLetters.queueArn);
      fn.addEnvironment('WAKE_PREFIX', props.prefix);
    }
  }
}
