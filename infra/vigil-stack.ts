import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { planSchedules } from '../shared/config/schedule-plan.js';
import type { VigilConfig } from '../shared/config/schema.js';
import { MAX_CHECKS_PER_SCHEDULE } from '../shared/config/schedule-plan.js';
import { CheckSchedules } from './constructs/check-schedules.js';
import { VigilFunction } from './constructs/vigil-function.js';

export interface VigilStackProps extends StackProps {
  readonly config: VigilConfig;
  /** Names this deployment, e.g. `prod`; part of resource names. */
  readonly environmentName: string;
}

export class VigilStack extends Stack {
  constructor(scope: Construct, id: string, props: VigilStackProps) {
    super(scope, id, props);
    const { config } = props;

    const runChecks = new VigilFunction(this, 'RunChecks', { name: 'run-checks', timeout: runChecksTimeout(config) });

    const deadLetters = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    new CheckSchedules(this, 'Schedules', {
      plan: planSchedules(config),
      target: runChecks,
      deadLetterQueue: deadLetters,
      groupName: `vigil-${props.environmentName}`,
    });
  }
}

/** Long enough for the largest planned invocation: its checks in waves of `concurrency`, each wave up to the longest timeout. */
export function runChecksTimeout(config: VigilConfig): Duration {
  const longest = Math.max(...config.checks.map((c) => c.timeoutMs ?? config.defaults.timeoutMs));
  const waves = Math.ceil(MAX_CHECKS_PER_SCHEDULE / config.defaults.concurrency);
  return Duration.seconds(Math.min(900, Math.ceil((waves * longest) / 1000) + 10));
}
