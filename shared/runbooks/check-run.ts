import type { CheckTrigger } from './check-trigger.js';
import { finish, pending, release, runNote, runSteps, startRun, type RunbookDeps, type RunbookResult } from './execute.js';

/**
 * The run a check's transition starts: the same steps, guardrails, timeline and exactly-once record
 * as an alarm's, keyed by the transition, so a stream record delivered again replays the first result.
 */
export async function handleCheckTrigger(trigger: CheckTrigger, deps: RunbookDeps): Promise<RunbookResult> {
  const base = { check: trigger.checkId, state: trigger.cause };
  const started = await startRun(deps, `check#${trigger.eventId}`, trigger.eventId, trigger.runbook, {
    incidentId: trigger.incidentId,
    incidentVersion: trigger.version,
    checkId: trigger.checkId,
  });
  if ('replay' in started) return started.replay as RunbookResult;
  const { run } = started;
  try {
    if (run.record.steps.length === 0)
      pending(run, runNote(run, deps, 0, 0, 'runbook', `runbook ${trigger.runbook.id} started: ${trigger.checkId} ${trigger.cause}`));
    await runSteps(run, deps);
    return await finish(run, base, deps);
  } catch (err) {
    await release(run, deps);
    throw err;
  }
}
