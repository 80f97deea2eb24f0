import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createNotifyHandler } from '../../../functions/notify/handler.js';
import { createOnAlarmHandler } from '../../../functions/on-alarm/handler.js';
import { createRemediateHandler } from '../../../functions/remediate/handler.js';
import { SdkEcs } from '../../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../../shared/aws/metrics.js';
import type { VigilConfig } from '../../../shared/config/schema.js';
import type { Log } from '../../../shared/log.js';
import { silentLog } from '../../../shared/log.js';
import { SnsPublisher } from '../../../shared/notifications/sns-publisher.js';
import { DynamoStateStore } from '../../../shared/store/dynamo-store.js';
import { invokeAsync, type Attempt, type World } from './world.js';

export const ALERTS = 'arn:aws:sns:eu-west-1:123456789012:vigil-alerts';
export const ESCALATIONS = 'arn:aws:sns:eu-west-1:123456789012:vigil-escalations';

/** What the runbook functions get deployed, in one attempt of the world: every client through the faulty wire. */
function runbookDepsIn(world: World, attempt: Attempt, deadline: Date, config: VigilConfig, log: Log) {
  return {
    config,
    store: new DynamoStateStore(attempt.doc, world.table),
    aws: { ecs: new SdkEcs(attempt.ecs), metrics: new BatchingMetrics() },
    clock: world.clock,
    log,
    sleep: async (ms: number) => world.advance(ms),
    deadline: () => deadline,
    remediateFunction: 'vigil-test-remediate',
  };
}

/** The on-alarm function as deployed, in one attempt of the world. */
export function onAlarmIn(world: World, attempt: Attempt, deadline: Date, config: VigilConfig, log: Log = silentLog) {
  return createOnAlarmHandler({ ...runbookDepsIn(world, attempt, deadline, config, log), failLoud: { publisher: new SnsPublisher(attempt.sns), topic: ESCALATIONS } });
}

/** The remediate function as deployed, in one attempt of the world. */
export function remediateIn(world: World, attempt: Attempt, deadline: Date, config: VigilConfig, log: Log = silentLog) {
  return createRemediateHandler(runbookDepsIn(world, attempt, deadline, config, log));
}

/** The notify function as deployed, in one attempt of the world. */
export function notifyIn(world: World, attempt: Attempt, config: VigilConfig, log: Log = silentLog) {
  return createNotifyHandler({
    config,
    store: new DynamoStateStore(attempt.doc, world.table),
    publisher: new SnsPublisher(attempt.sns),
    log,
    topics: { main: ALERTS, escalation: ESCALATIONS },
    incidentsFunction: 'vigil-test-incidents',
    // A meter, so the open-incident count (a Query) is on the path as deployed.
    meter: { count: () => undefined, gauge: () => undefined },
  });
}

/** An alarm event delivered to on-alarm with Lambda's asynchronous retries. */
export function deliverAlarm(world: World, config: VigilConfig, event: unknown, log?: Log) {
  return invokeAsync(world, (attempt, deadline) => onAlarmIn(world, attempt, deadline, config, log)(event));
}

/**
 * The table's stream read by notify as the event source mapping does: batches of 20 in order; a
 * batch item failure retries from that record (up to 5 times, each a cold start); then the DLQ.
 */
export async function drainStream(world: World, config: VigilConfig, from = 0): Promise<{ deadLettered: string[]; next: number }> {
  const deadLettered: string[] = [];
  let position = from;
  while (position < world.stream.length) {
    const batch = world.stream.slice(position, position + 20);
    let retries = 0;
    for (;;) {
      const attempt = world.coldStart();
      const end = await Promise.race([
        notifyIn(world, attempt, config)({ Records: batch } as DynamoDBStreamEvent).then(
          (r) => r.batchItemFailures[0]?.itemIdentifier,
          () => batch[0]!.dynamodb!.SequenceNumber,
        ),
        attempt.killed.then(() => batch[0]!.dynamodb!.SequenceNumber),
      ]);
      attempt.kill();
      if (end === undefined) break;
      const failedAt = batch.findIndex((r) => r.dynamodb?.SequenceNumber === end);
      batch.splice(0, Math.max(0, failedAt));
      if (++retries > 5) {
        deadLettered.push(...batch.map((r) => r.eventID!));
        break;
      }
      world.advance(10_000);
    }
    position += 20;
  }
  return { deadLettered, next: world.stream.length };
}
