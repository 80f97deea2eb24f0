import { randomUUID } from 'node:crypto';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { alarmEvent } from '../../shared/events/alarm.js';
import { report } from './report.js';
import { deploymentRun, eventRun, scheduledRun, wakeUp } from './event-run.js';
import { isWakeRun } from '../../shared/events/wake-run.js';
import { isScheduledRun } from '../../shared/events/scheduled-run.js';
import { validateEvent } from '../../shared/events/validate.js';
import { withDeadline, type InvocationContext } from '../../shared/lambda-deadline.js';
import type { Publisher } from '../../shared/notifications/publisher.js';
import { alarmSource, checkSource, handledOnRetry, unhandledRun, type RunSource } from '../../shared/notifications/unhandled.js';
import type { Notification } from '../../shared/notifications/message.js';
import { knownSecrets } from '../../shared/secrets/mask.js';
import { handleAlarm } from '../../shared/runbooks/alarm.js';
import { RunInProgressError, type RunbookDeps, type RunbookResult } from '../../shared/runbooks/execute.js';
import { matchRunbook } from '../../shared/runbooks/match.js';
import { handleCheckTrigger } from '../../shared/runbooks/check-run.js';
import { triggerFor } from '../../shared/runbooks/check-trigger.js';
import { checkStatesIn } from '../../shared/notifications/stream.js';
import { StateConflictError, UnrecordedActionError } from '../../shared/errors.js';

export interface OnAlarmDeps extends RunbookDeps {
  /** Where Vigil pages when it cannot record what it does (the escalation topic). */
  failLoud: { publisher: Publisher; topic: string } | undefined;
}

export type OnAlarmResult = RunbookResult | { error: string; problems: string[] } | CheckRunsResult;

/** A batch from the state table's stream: the runs its check transitions started, and the records to deliver again. */
export interface CheckRunsResult extends DynamoDBBatchResponse {
  runs: RunbookResult[];
}

/** Pauses before going on with a run after its state store failed: a short outage passes within the attempt. */
const RESUME_AFTER_MS = [5_000, 10_000, 15_000, 30_000];
/** What a resumed run needs left of the invocation to be worth starting. */
const RESUME_MARGIN_MS = 60_000;

/**
 * EventBridge "CloudWatch Alarm State Change" → incident and runbook, one run per event. A state
 * store that fails is waited out within the attempt, the run going on where it stopped; past that,
 * the on-call is paged and the error rethrown, so Lambda retries (and at last dead-letters) it.
 */
export function createOnAlarmHandler(deps: OnAlarmDeps) {
  return async (event: unknown, context?: InvocationContext): Promise<OnAlarmResult> => {
    // A stream record goes to one invocation at a time: whoever held its run before has ended.
    if (isStreamBatch(event)) return checkRuns(event, { ...withDeadline(deps, context), holder: randomUUID(), holderGone: true });
    if (isDeploymentEvent(event)) return eventRun(event, deps, context, deploymentRun);
    if (isScheduledRun(event)) return eventRun(event, deps, context, scheduledRun);
    if (isWakeRun(event)) return eventRun(event, deps, context, wakeUp);
    // Alarm events carry their configuration; 64 KB leaves room for composite rules and many metrics.
    const parsed = validateEvent(alarmEvent, event, 64 * 1024);
    if (!parsed.ok) {
      deps.log.error('not a CloudWatch Alarm State Change event', { problems: parsed.problems });
      return { error: 'not a CloudWatch Alarm State Change event', problems: parsed.problems };
    }
    const alarm = parsed.data;
    // Lambda retries an invocation under its request id: a retry takes over its own dead attempt's run at once.
    const run = { ...withDeadline(deps, context), holder: randomUUID(), ...(context?.awsRequestId ? { invocation: context.awsRequestId } : {}) };
    for (let pause = 0; ; pause++) {
      try {
        const result = await handleAlarm(alarm, run);
        report(result, deps);
        await followUp(result, () => alarmSource(alarm, matchRunbook(deps.config.runbooks, alarm, deps.config.alarms)?.runbook), deps);
        return result;
      } catch (err) {
        const wait = RESUME_AFTER_MS[pause];
        // It leaves through the log and a page: no secret or connection string in it, whatever threw.
        const error = knownSecrets.text(err instanceof Error ? err.message : String(err));
        if (wait !== undefined && transient(err) && run.clock.now().getTime() + wait + RESUME_MARGIN_MS < run.deadline().getTime()) {
          deps.log.warn(`alarm ${alarm.detail.alarmName}: the state store failed; going on where the run stopped in ${wait / 1000} s`, {
            eventId: alarm.id,
            error,
          });
          await deps.sleep(wait);
          continue;
        }
        deps.log.error(`alarm ${alarm.detail.alarmName} not handled; it will be retried`, { eventId: alarm.id, error });
        // Another attempt holds the run and will finish it: nobody needs waking for that.
        if (!(err instanceof RunInProgressError))
          await page(unhandledRun(alarmSource(alarm, matchRunbook(deps.config.runbooks, alarm, deps.config.alarms)?.runbook), error), alarm.id, deps);
        throw err;
      }
    }
  };
}

/** Whether an event is ECS's rather than CloudWatch's: the one field that tells them apart. */
const isDeploymentEvent = (event: unknown): boolean => (event as { source?: unknown } | null)?.source === 'aws.ecs';

const isStreamBatch = (event: unknown): event is DynamoDBStreamEvent =>
  Array.isArray((event as DynamoDBStreamEvent | undefined)?.Records) && (event as DynamoDBStreamEvent).Records.every((r) => r.eventSource === 'aws:dynamodb');

/**
 * The runbooks Vigil's own checks start, from the state table's stream (never inline in run-checks,
 * so a slow fix never holds up a round). A record that fails is handed back to the stream to deliver
 * again: its run goes on where it stopped, or replays what it did.
 */
async function checkRuns(event: DynamoDBStreamEvent, deps: OnAlarmDeps): Promise<CheckRunsResult> {
  const runs: RunbookResult[] = [];
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const states = checkStatesIn(record);
    const trigger = states && triggerFor(deps.config, states.old, states.next);
    if (!trigger) continue;
    try {
      const result = await handleCheckTrigger(trigger, deps);
      report(result, deps);
      await followUp(result, () => checkSource(trigger), deps);
      runs.push(result);
    } catch (err) {
      const error = knownSecrets.text(err instanceof Error ? err.message : String(err));
      deps.log.error(`${trigger.checkId} ${trigger.cause}: runbook ${trigger.runbook.id} not finished; the stream delivers it again`, {
        eventId: trigger.eventId,
        error,
      });
      // As on the alarm path: a run that cannot record what it does pages, never goes silent.
      if (!(err instanceof RunInProgressError)) await page(unhandledRun(checkSource(trigger), error), trigger.eventId, deps);
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? record.eventID ?? '' });
    }
  }
  return { batchItemFailures, runs };
}

/** AWS answering badly (throttled, 5xx, timed out) or a write race lost too often: worth going on after a pause. */
function transient(err: unknown): boolean {
  const cause = err instanceof UnrecordedActionError ? err.cause : err;
  return cause instanceof StateConflictError || (typeof cause === 'object' && cause !== null && '$metadata' in cause);
}

async function page(message: Notification, eventId: string, deps: OnAlarmDeps): Promise<void> {
  if (!deps.failLoud) return;
  try {
    await deps.failLoud.publisher.publish(deps.failLoud.topic, message);
  } catch (err) {
    deps.log.error('could not page about the unhandled run either; its retries and the dead-letter queue remain', {
      eventId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/** A run an earlier attempt could not finish, finished now: whoever was paged hears that it is over. */
async function followUp(result: RunbookResult, source: () => RunSource, deps: OnAlarmDeps): Promise<void> {
  if (!result.attempts || result.replay) return;
  await page(handledOnRetry(source(), result.attempts, result.verdict), source().key, deps);
}
