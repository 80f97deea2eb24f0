import type { Context } from 'aws-lambda';
import { lazySnsPublisher } from '../../shared/notifications/lazy-sns-publisher.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { deployedRunbookDeps } from '../runbook-deps.js';
import { createOnAlarmHandler } from './handler.js';

const onAlarm = createOnAlarmHandler({
  ...deployedRunbookDeps('on-alarm'),
  failLoud: process.env.ESCALATION_TOPIC_ARN ? { publisher: lazySnsPublisher(), topic: process.env.ESCALATION_TOPIC_ARN } : undefined,
  remediateFunction: process.env.REMEDIATE_FUNCTION ?? 'the Vigil remediate function',
});

export const handler = maskedHandler((event: unknown, context: Context) => onAlarm(event, context));
