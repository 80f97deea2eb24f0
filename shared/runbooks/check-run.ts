import type { CheckTrigger } from './check-trigger.js';
import { finish, launch, runSteps, type RunbookDeps, type RunbookResult } from './execute.js';
import { line } from './steps.js';

/**
 * The run a check's transition starts: the same steps, guardrails, timeline and exactly-once record
 * as an alarm's, keyed by the transition, so a stream record delivered again replays the first result.
 */
export function handleCheckTrigger(trigger: CheckTrigger, deps: RunbookDeps): Promise<RunbookResult> {
  const start = {
    id: `check#${trigger.eventId}`,
    eventId: trigger.eventId,
    runbook: trigger.runbook,
    seed: { incidentId: trigger.incidentId, incidentVersion: trigger.version, checkId: trigger.checkId },
    opening: line(deps, 0, 0, 'runbook', `runbook ${trigger.runbook.id} started: ${trigger.checkId} ${trigger.cause}`),
  };
  return launch(deps, start, async (run) => {
    await runSteps(run, deps);
    return finish(run, { check: trigger.checkId, state: trigger.cause }, deps);
  });
}
