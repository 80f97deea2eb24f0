import { requireEnv } from '../../shared/aws-env.js';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { sdkPorts } from '../../shared/aws/ports.js';
import { systemClock } from '../../shared/clock.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { deployedStore } from '../../shared/state/deployed.js';
import { createRemediateHandler } from './handler.js';
import { lazySnsPublisher } from '../../shared/notifications/lazy-sns-publisher.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { vigilLog } from '../../shared/aws/log.js';

export const handler = maskedHandler(
  createRemediateHandler({
    meter: emfMeter(),
    config,
    store: deployedStore(requireEnv('TABLE_NAME')),
    aws: sdkPorts(),
    clock: systemClock,
    log: vigilLog('remediate'),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // Replaced per invocation from Lambda's context.
    deadline: () => new Date(Date.now() + 60_000),
    remediateFunction: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'the Vigil remediate function',
    ...(process.env.TOPIC_ARN ? { notices: { publisher: lazySnsPublisher(), topic: process.env.TOPIC_ARN } } : {}),
  }),
);
