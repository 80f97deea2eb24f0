import { lazySnsPublisher } from '../../shared/notifications/lazy-sns-publisher.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { deployedRunbookDeps } from '../runbook-deps.js';
import { createRemediateHandler } from './handler.js';

export const handler = maskedHandler(
  createRemediateHandler({
    ...deployedRunbookDeps('remediate'),
    remediateFunction: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'the Vigil remediate function',
    ...(process.env.TOPIC_ARN ? { notices: { publisher: lazySnsPublisher(), topic: process.env.TOPIC_ARN } } : {}),
  }),
);
