import { randomUUID } from 'node:crypto';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { alarmEvent, type AlarmEvent } from '../../shared/events/alarm.js';
import { validateEvent } from '../../shared/events/validate.js';
import { withDeadline, type InvocationContext } from '../../shared/lambda-deadline.js';
import type { Publisher } from '../../shared/notifications/publisher.js';
import { unhandledAlarm } from '../../shared/notifications/unhandled.js';
import { knownSecrets } from '../../shared/secrets/mask.js';
import { handleAlarm, meterRunbook, RunInProgressError, type RunbookDeps, type RunbookResult } from '../../shared/runbooks/execute.js';
import { matchRunbook } from '../../shared/runbooks/match.js';
import { handleCheckTrigger } from '../../shared/runbooks/check-run.js';
import { triggerFor } from '../../shared/runbooks/check-trigger.js';
import { checkStatesIn } from '../../shared/notifications/stream.js';
import { StateConflictError } from '../../shared/store/state-store.js';

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
    if (isStreamBatch(event)) return checkRuns(event, { ...withDeadline(deps, context), holder: randomUUID() });
    // Alarm events carry their configuration; 64 KB leaves room for composite rules and many metrics.
    const parsed = validateEvent(alarmEvent, event, 64 * 1024);
    if (!parsed.ok) {
      deps.log.error('not a CloudWatch Alarm State Change event', { problems: parsed.problems });
      return { error: 'not a CloudWatch Alarm State Change event', problems: parsed.problems };
    }
    const alarm = parsed.data;
    const run = { ...withDeadline(deps, context), holder: randomUUID() };
    for (let pause = 0; ; pause++) {
      try {
        const result = await handleAlarm(alarm, run);
        report(result, deps);
        return result;
      } catch (err) {
        const wait = RESUME_AFTER_MS[pause];
        // It leaves through the log and a page: no secret or connection string in it, whatever threw.
        const error = knownSecrets.text(err instanceof Error ? err.message : String(err));
        if (wait !== undefined && transient(err) && run.clock.now().getTime() + wait + RESUME_MARGIN_MS < run.deadline().getTime()) {
          deps.log.warn(`alarm ${alarm.detail.alarmName}: the state store failed; going on where the run stopped in ${wait / 1000} s`, { eventId: alarm.id, error });
          await deps.sleep(wait);
          continue;
        }
        deps.log.error(`alarm ${alarm.detail.alarmName} not handled; it will be retried`, { eventId: alarm.id, error });
        // Another attempt holds the run and will finish it: nobody needs waking for that.
        if (!(err instanceof RunInProgressError)) await page(alarm, error, deps);
        throw err;
      }
    }
  };
}

const isStreamBatch = (event: unknown): event is DynamoDBStreamEvent =>
  Array.isArray((event as DynamoDBStreamEvent | undefined)?.Records) && (event as DynamoDBStreamEvent).Records.every((r) => r.eventSource === 'aws:dynamodb');

/**
 * The runbooks Vigil's own checks start, from the state table's stream (never inline in run-checks,
 * so a slow fix never holds up a round). A record that fails is handed back to the stream to deliver
 * again: its run goes on where it stopped, or replays what it did.
 */
async function checkRuns(event: DynamoDBStreamEvent, deps: RunbookDeps): Promise<CheckRunsResult> {
  const runs: RunbookResult[] = [];
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const states = checkStatesIn(record);
    const trigger = states && triggerFor(deps.config, states.old, states.next);
    if (!trigger) continue;
    try {
      const result = await handleCheckTrigger(trigger, deps);
      report(result, deps);
      runs.push(result);
    } catch (err) {
      deps.log.error(`${trigger.checkId} ${trigger.cause}: runbook ${trigger.runbook.id} not finished; the stream delivers it again`, { eventId: trigger.eventId, error: knownSecrets.text(err instanceof Error ? err.message : String(err)) });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? record.eventID ?? '' });
    }
  }
  return { batchItemFailures, runs };
}

function report(result: RunbookResult, deps: RunbookDeps): void {
  if (result.replay) {
    deps.log.info(`replay: ${result.alarm ?? result.check} ${result.state} was handled at ${result.replay.at}: ${result.replay.firstVerdict}; nothing done again`, { eventId: result.replay.of });
    return;
  }
  // A replay is not counted again.
  meterRunbook(result, deps.meter);
  deps.log.info(`${result.alarm ?? result.check} ${result.state}: ${result.verdict}`, { result });
}

/** AWS answering badly (throttled, 5xx, timed out) or a write race lost too often: worth going on after a pause. */
function transient(err: unknown): boolean {
  return err instanceof StateConflictError || (typeof err === 'object' && err !== null && '$metadata' in err);
}

async function page(alarm: AlarmEvent, error: string, deps: OnAlarmDeps): Promise<void> {
  if (!deps.failLoud) return;
  const match = matchRunbook(deps.config.runbooks, alarm, deps.config.alarms);
  try {
    await deps.failLoud.publisher.publish(deps.failLoud.topic, unhandledAlarm(alarm, match?.runbook, error));
  } catch (err) {
    deps.log.error('could not page about the unhandled alarm either; its retries and the dead-letter queue remain', { eventId: alarm.id, error: err instanceof Error ? err.message : String(err) });
  }
}
