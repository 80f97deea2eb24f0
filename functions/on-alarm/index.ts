import type { Context } from 'aws-lambda';
import { requireEnv } from '../../shared/aws-env.js';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { sdkPorts } from '../../shared/aws/ports.js';
import { systemClock } from '../../shared/clock.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { lazySnsPublisher } from '../../shared/notifications/lazy-sns-publisher.js';
import { deployedStore } from '../../shared/state/deployed.js';
import { createOnAlarmHandler } from './handler.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { vigilLog } from '../../shared/aws/log.js';

const onAlarm = createOnAlarmHandler({
  meter: emfMeter(),
  config,
  store: deployedStore(requireEnv('TABLE_NAME')),
  aws: sdkPorts(),
  clock: systemClock,
  log: vigilLog('on-alarm'),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  // Replaced per invocation from Lambda's context.
  deadline: () => new Date(Date.now() + 60_000),
  failLoud: process.env.ESCALATION_TOPIC_ARN ? { publisher: lazySnsPublisher(), topic: process.env.ESCALATION_TOPIC_ARN } : undefined,
  remediateFunction: process.env.REMEDIATE_FUNCTION ?? 'the Vigil remediate function',
});

export const handler = maskedHandler((event: unknown, context: Context) => onAlarm(event, context));
