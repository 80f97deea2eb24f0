import { randomUUID } from 'node:crypto';
import type { RunbookConfig } from '../config/runbooks.js';
import { RunInProgressError, StateConflictError } from '../errors.js';
import type { RunRecord } from '../state/run.js';
import { saveRun } from './commit.js';
import type { RunbookDeps, RunbookResult, Running } from './deps.js';
import { joinRun, newRun } from './run-record.js';

const RUN_POLL_MS = 2_000;

/**
 * Claims the run of one event for this attempt: a new one, one whose last attempt died, or the
 * first delivery's result when it is over. A run another attempt is still on is waited for.
 */
export async function startRun(
  deps: RunbookDeps,
  id: string,
  eventId: string,
  runbook: RunbookConfig,
  seed: Partial<RunRecord> = {},
): Promise<{ run: Running } | { replay: unknown }> {
  const me = { holder: deps.holder ?? randomUUID(), invocation: deps.invocation, holderGone: deps.holderGone };
  const until = deps.deadline();
  const running = (record: RunRecord): { run: Running } => ({ run: { record, runbook, queued: [] } });
  try {
    return running(await saveRun(deps.store, { ...newRun(id, eventId, runbook.id, me, until, deps.clock.now()), ...seed }));
  } catch (err) {
    if (!(err instanceof StateConflictError)) throw err;
  }
  // A duplicate delivery while the first is still at work waits for its result, as long as this attempt can.
  let polls = Math.floor((until.getTime() - deps.clock.now().getTime()) / RUN_POLL_MS) - 1;
  for (;;) {
    const found = (await deps.store.getRun(id))!;
    const joined = joinRun(found, me, until, deps.clock.now());
    if ('replay' in joined) return { replay: replayOf(joined.replay) };
    if ('take' in joined) {
      try {
        return running(await saveRun(deps.store, joined.take));
      } catch (err) {
        if (!(err instanceof StateConflictError)) throw err;
        continue;
      }
    }
    if (polls-- <= 0) throw new RunInProgressError(`${id} is still running (held until ${joined.wait}); this attempt ends first, so Lambda will retry it`);
    await deps.sleep(RUN_POLL_MS);
  }
}

/** What a replayed delivery answers: the first result, marked as a replay. */
function replayOf(run: RunRecord): unknown {
  const first = (run.result ?? {}) as Partial<RunbookResult>;
  return { ...first, replay: { of: run.eventId, at: run.finishedAt ?? run.startedAt, firstVerdict: first.verdict ?? run.verdict } };
}

/** A failed attempt lets go of its run at once, so Lambda's retry need not wait for the lease to run out. */
export async function release(run: Running, deps: RunbookDeps): Promise<void> {
  try {
    run.record = await saveRun(deps.store, { ...run.record, lease: { ...(run.record.lease ?? { holder: '' }), until: deps.clock.now().toISOString() } });
  } catch {
    // The store is what failed: the lease runs out at this attempt's deadline instead.
  }
}
