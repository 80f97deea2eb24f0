import { RequestError, SetupError } from '../errors.js';
import type { ScheduledRunEvent } from '../events/scheduled-run.js';
import type { RunbookDeps, RunbookResult } from './deps.js';
import { finish, launch, runSteps } from './execute.js';
import { line } from './steps.js';

/**
 * A runbook due on its schedule: a run with no incident, one per firing (a retry of the same firing
 * takes over its run or answers with its result), under the same guardrails as any. Its actions, and a
 * stop that needs a human, are told on the alerts topic.
 */
export async function runScheduled(event: ScheduledRunEvent, deps: RunbookDeps): Promise<RunbookResult> {
  const runbook = deps.config.runbooks.find((r) => r.id === event.scheduledRunbook && r.match.schedule);
  if (!runbook) throw new RequestError(`no runbook "${event.scheduledRunbook}" runs on a schedule in this config`);
  if (!deps.notices) throw new SetupError('a scheduled run needs the alerts topic (TOPIC_ARN) to tell what it does');
  const at = new Date(event.at).toISOString();
  const start = {
    id: `scheduled#${runbook.id}#${at}`,
    eventId: `scheduled-${runbook.id}-${at}`,
    runbook,
    seed: { actor: 'vigil' },
    opening: line(deps, 0, 0, 'scheduled', `${runbook.id} due at ${at}`, runbook.description),
  };
  return launch(deps, start, async (run) => {
    await runSteps(run, deps);
    return finish(run, { state: 'scheduled' }, deps);
  });
}
