import type { Context } from 'aws-lambda';
import { lazySnsPublisher } from '../../shared/notifications/lazy-sns-publisher.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { deployedRunbookDeps } from '../runbook-deps.js';
import { createOnAlarmHandler } from './handler.js';

const sns = lazySnsPublisher();
const onAlarm = createOnAlarmHandler({
  ...deployedRunbookDeps('on-alarm'),
  failLoud: process.env.ESCALATION_TOPIC_ARN ? { publisher: sns, topic: process.env.ESCALATION_TOPIC_ARN } : undefined,
  // A scheduled run has no incident: its actions and hand-overs are told on the alerts topic.
  ...(process.env.TOPIC_ARN ? { notices: { publisher: sns, topic: process.env.TOPIC_ARN } } : {}),
  remediateFunction: process.env.REMEDIATE_FUNCTION ?? 'the Vigil remediate function',
});

export const handler = maskedHandler((event: unknown, context: Context) => onAlarm(event, context));
