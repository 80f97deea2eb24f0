import { scheduledRunEvent } from '../../shared/events/scheduled-run.js';
import type { InvocationContext } from '../../shared/lambda-deadline.js';
import { runScheduled } from '../../shared/runbooks/scheduled.js';
import type { RunbookDeps } from '../../shared/runbooks/execute.js';
import { eventRun } from './event-run.js';

/** A runbook's schedule fired: its run, once per firing. */
export const scheduled = (event: unknown, deps: RunbookDeps, context?: InvocationContext) =>
  eventRun(event, deps, context, {
    schema: scheduledRunEvent,
    what: 'a scheduled runbook event',
    maxBytes: 4 * 1024,
    handle: runScheduled,
    named: (e) => `scheduled runbook ${e.scheduledRunbook} (${e.at})`,
  });
