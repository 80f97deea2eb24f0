import { RequestError, SetupError } from '../errors.js';
import type { WakeRunEvent } from '../events/wake-run.js';
import type { RunbookDeps, RunbookResult } from './deps.js';
import { finish, launch, runSteps } from './execute.js';
import { manualRunbookOf } from './manual.js';

/**
 * A run's wait is over: it goes on from the step after its wait, under the same lease, guardrails and
 * records. Woken early, it asks to be woken again at its time; woken once it is over, it answers with its result.
 */
export async function wakeRun(event: WakeRunEvent, deps: RunbookDeps): Promise<RunbookResult> {
  const found = await deps.store.getRun(event.wakeRun);
  if (!found) throw new RequestError(`no run "${event.wakeRun}" to wake`);
  const runbook = deps.config.runbooks.find((r) => r.id === found.runbook) ?? manualRunbookOf(found.runbook, deps.config, found.checkId);
  if (!runbook) throw new SetupError(`run ${found.id} is of runbook ${found.runbook}, which this config no longer has; it cannot go on`);
  if (found.status === 'running' && found.waitUntil && new Date(found.waitUntil) > deps.clock.now()) {
    if (!deps.waker) throw new SetupError('this function cannot schedule a wake-up: a run that waits would sleep for ever');
    await deps.waker.wakeAt(found.id, new Date(found.waitUntil));
  }
  const base = { state: 'woken', ...(found.checkId ? { check: found.checkId } : {}) };
  return launch(deps, { id: found.id, eventId: found.eventId, runbook }, async (run) => {
    await runSteps(run, deps);
    return finish(run, base, deps);
  });
}
