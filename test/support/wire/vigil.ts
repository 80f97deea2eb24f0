import { randomUUID } from 'node:crypto';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createNotifyHandler } from '../../../functions/notify/handler.js';
import { createOnAlarmHandler } from '../../../functions/on-alarm/handler.js';
import { createRemediateHandler } from '../../../functions/remediate/handler.js';
import { SdkDocdb } from '../../../shared/aws/docdb.js';
import { SdkRds } from '../../../shared/aws/rds.js';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { schedulerWaker } from '../../../shared/aws/scheduler-waker.js';
import { readWriteClients } from '../../../shared/aws/retries.js';
import { SdkAutoscaling } from '../../../shared/aws/autoscaling.js';
import { SdkCloudfront } from '../../../shared/aws/cloudfront.js';
import { SdkSqs } from '../../../shared/aws/sqs.js';
import { SdkWaf } from '../../../shared/aws/waf.js';
import { SdkLogs } from '../../../shared/aws/logs.js';
import { SdkEcs } from '../../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../../shared/aws/metrics.js';
import type { VigilConfig } from '../../../shared/config/schema.js';
import type { Log } from '../../../shared/log.js';
import { silentLog } from '../../../shared/log.js';
import { SnsPublisher } from '../../../shared/notifications/sns-publisher.js';
import { EventBridgePublisher } from '../../../shared/notifications/eventbridge-publisher.js';
import { SsmOpsItems } from '../../../shared/notifications/ssm-ops-items.js';
import { DynamoStateStore } from '../../../shared/state/dynamo.js';
import { invokeAsync, type Attempt, type World } from './world.js';

export const ALERTS = 'arn:aws:sns:eu-west-1:123456789012:vigil-alerts';
export const ESCALATIONS = 'arn:aws:sns:eu-west-1:123456789012:vigil-escalations';
export const HANDOFFS = 'vigil-test-incidents';
const ON_ALARM_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:vigil-test-on-alarm';
const WAKES_DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:vigil-test-on-alarm-dlq';

/** What the runbook functions get deployed, in one attempt of the world: every client through the faulty wire. */
function runbookDepsIn(world: World, attempt: Attempt, deadline: Date, config: VigilConfig, log: Log) {
  return {
    config,
    store: new DynamoStateStore(attempt.doc, world.table),
    aws: {
      ecs: new SdkEcs(attempt.ecs),
      docdb: new SdkDocdb(attempt.docdb),
      rds: new SdkRds(attempt.rds),
      autoscaling: new SdkAutoscaling(attempt.autoscaling),
      cloudfront: new SdkCloudfront(attempt.cloudfront),
      sqs: new SdkSqs(attempt.sqs),
      waf: new SdkWaf(attempt.waf),
      logs: new SdkLogs(attempt.logs),
      metrics: new BatchingMetrics(),
    },
    clock: world.clock,
    log,
    sleep: async (ms: number) => world.advance(ms),
    deadline: () => deadline,
    remediateFunction: 'vigil-test-remediate',
    // A run that sleeps (a wait, an action it follows) asks EventBridge Scheduler to wake it, as deployed.
    waker: schedulerWaker(
      { targetArn: ON_ALARM_ARN, roleArn: 'arn:aws:iam::123456789012:role/vigil-test-wakes', deadLetterArn: WAKES_DLQ_ARN, prefix: 'vigil-test' },
      readWriteClients(SchedulerClient, attempt.scheduler).writes,
    ),
    // What no incident carries (a scheduled run's actions, an action by hand on none) goes to the alerts topic, as deployed.
    notices: { publisher: new SnsPublisher(attempt.sns), topic: ALERTS },
  };
}

/** The on-alarm function as deployed, in one attempt of the world. */
export function onAlarmIn(world: World, attempt: Attempt, deadline: Date, config: VigilConfig, log: Log = silentLog) {
  return createOnAlarmHandler({
    ...runbookDepsIn(world, attempt, deadline, config, log),
    failLoud: { publisher: new SnsPublisher(attempt.sns), topic: ESCALATIONS },
  });
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
    handoff: { bus: HANDOFFS, publisher: new EventBridgePublisher(attempt.events) },
    opsItems: new SsmOpsItems(attempt.ssm),
    // A meter, so the open-incident count (a Query) is on the path as deployed.
    meter: { count: () => undefined, gauge: () => undefined },
  });
}

/** An alarm event (or a schedule's firing) delivered to on-alarm with Lambda's asynchronous retries. */
export function deliverAlarm(world: World, config: VigilConfig, event: unknown, log?: Log) {
  return invokeAsync(world, (attempt, deadline, context) => onAlarmIn(world, attempt, deadline, config, log)(event, context));
}

/**
 * EventBridge Scheduler's wake-ups of runs that sleep: each one-time schedule fires at its time (never before the clock),
 * is deleted as `ActionAfterCompletion: DELETE` does, and invokes on-alarm asynchronously; a run that sleeps again asks
 * for another. At most `max` wake-ups, so a run that never ends cannot hold a test.
 */
export async function deliverWakeUps(world: World, config: VigilConfig, max = 6): Promise<{ deadLettered: boolean }> {
  let deadLettered = false;
  for (let n = 0; n < max; n++) {
    const [name, wake] = [...world.scheduler.schedules].find(([, w]) => String(w.ScheduleExpression).startsWith('at(')) ?? [];
    if (!name || !wake) break;
    world.scheduler.schedules.delete(name);
    const at = new Date(`${String(wake.ScheduleExpression).slice(3, -1)}Z`);
    if (at > world.now) world.now = at;
    const event = JSON.parse((wake.Target as { Input: string }).Input);
    deadLettered = (await deliverAlarm(world, config, event)).deadLettered || deadLettered;
  }
  return { deadLettered };
}

/**
 * The table's stream read by notify as the event source mapping does: batches of 20 in order. A
 * batch item failure retries from that record; a function error (a killed attempt) splits the batch
 * in two, each half retried on its own. Up to 5 retries, each a cold start; then the DLQ.
 */
export async function drainStream(world: World, config: VigilConfig, from = 0): Promise<{ deadLettered: string[]; next: number }> {
  const deadLettered: string[] = [];
  for (let position = from; position < world.stream.length; position += 20) {
    await deliverBatch(world, config, world.stream.slice(position, position + 20), deadLettered);
  }
  return { deadLettered, next: world.stream.length };
}

async function deliverBatch(world: World, config: VigilConfig, records: DynamoDBRecord[], deadLettered: string[]): Promise<void> {
  let batch = records;
  for (let retries = 0; batch.length; retries++) {
    const attempt = world.coldStart();
    const end = await Promise.race([
      notifyIn(
        world,
        attempt,
        config,
      )({ Records: batch } as DynamoDBStreamEvent).then(
        (r) => ({ failedAt: r.batchItemFailures[0]?.itemIdentifier }),
        () => ({ crashed: true }),
      ),
      attempt.killed.then(() => ({ crashed: true })),
    ]);
    attempt.kill();
    if ('failedAt' in end && end.failedAt === undefined) return;
    if (retries >= 5) {
      deadLettered.push(...batch.map((r) => r.eventID!));
      return;
    }
    world.advance(10_000);
    if ('crashed' in end && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      await deliverBatch(world, config, batch.slice(0, half), deadLettered);
      await deliverBatch(world, config, batch.slice(half), deadLettered);
      return;
    }
    if ('failedAt' in end)
      batch = batch.slice(
        Math.max(
          0,
          batch.findIndex((r) => r.dynamodb?.SequenceNumber === end.failedAt),
        ),
      );
  }
}

/**
 * One check-state record read by on-alarm as its mapping does: a batch of one, a batch item failure
 * or a function error delivered again (3 retries, each a cold start), then the DLQ.
 */
export function deliverCheckRecord(world: World, config: VigilConfig, record: DynamoDBRecord, log?: Log) {
  return invokeAsync(
    world,
    async (attempt, deadline) => {
      // Each delivery of a stream batch is an invocation of its own, with its own request id.
      const context = { awsRequestId: `stream-${randomUUID()}` };
      const answer = (await onAlarmIn(world, attempt, deadline, config, log)({ Records: [record] } as DynamoDBStreamEvent, context)) as {
        batchItemFailures: unknown[];
      };
      if (answer.batchItemFailures.length) throw new Error('batch item failure: the stream delivers the record again');
      return answer;
    },
    4,
  );
}
