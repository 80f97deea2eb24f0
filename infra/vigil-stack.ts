import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { MAX_CHECKS_PER_SCHEDULE, planSchedules } from '../shared/config/schedule-plan.js';
import type { VigilConfig } from '../shared/config/schema.js';
import { AlarmResponder } from './constructs/alarm-responder.js';
import { Alerting } from './constructs/alerting.js';
import { AwsAccess } from './constructs/aws-access.js';
import { CheckSchedules } from './constructs/check-schedules.js';
import { DeadLetterQueue } from './constructs/dead-letter-queue.js';
import { Notifier } from './constructs/notifier.js';
import { StateTable } from './constructs/state-table.js';
import { VigilFunction } from './constructs/vigil-function.js';

export interface VigilStackProps extends StackProps {
  readonly config: VigilConfig;
  /** Names this deployment, e.g. `prod`; part of resource names. */
  readonly environmentName: string;
  /** Subscribed to the alerts topic. @default none */
  readonly alertEmail?: string;
  /** Subscribed to the escalation topic. @default none */
  readonly escalationEmail?: string;
}

export class VigilStack extends Stack {
  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, props);
    const { config } = props;

    const state = new StateTable(this, 'State');
    const alerting = new Alerting(this, 'Alerting', { alertEmail: props.alertEmail, escalationEmail: props.escalationEmail });
    const prefix = `vigil-${props.environmentName}`;
    const incidentsName = `${prefix}-incidents`;
    const incidents = new VigilFunction(this, 'Incidents', { name: 'incidents', functionName: incidentsName, timeout: Duration.seconds(30), environment: { TABLE_NAME: state.table.tableName } });
    state.grantOperator(incidents);
    new Notifier(this, 'Notifier', { state, alerting, incidentsFunctionName: incidentsName });

    const runChecks = new VigilFunction(this, 'RunChecks', {
      name: 'run-checks',
      timeout: runChecksTimeout(config),
      environment: { TABLE_NAME: state.table.tableName },
    });
    state.grantRecordRounds(runChecks);
    const access = new AwsAccess(config);
    access.grantProbes(runChecks);
    new AlarmResponder(this, 'Alarms', { config, state, access, prefix });

    const deadLetters = new DeadLetterQueue(this, 'ScheduleDeadLetters');

    new CheckSchedules(this, 'Schedules', {
      plan: planSchedules(config),
      target: runChecks,
      deadLetterQueue: deadLetters,
      groupName: prefix,
    });
  }
}

/** Long enough for the largest planned invocation: its checks in waves of `concurrency`, each wave up to the longest timeout. */
export function runChecksTimeout(config: VigilConfig): Duration {
  const longest = Math.max(...config.checks.map((c) => c.timeoutMs ?? config.defaults.timeoutMs));
  const waves = Math.ceil(MAX_CHECKS_PER_SCHEDULE / config.defaults.concurrency);
  return Duration.seconds(Math.min(900, Math.ceil((waves * longest) / 1000) + 10));
}
