import { wakeRunEvent } from '../../shared/events/wake-run.js';
import type { InvocationContext } from '../../shared/lambda-deadline.js';
import type { RunbookDeps } from '../../shared/runbooks/execute.js';
import { wakeRun } from '../../shared/runbooks/wake.js';
import { eventRun } from './event-run.js';

/** A run's wait is over: it goes on where it slept. */
export const wake = (event: unknown, deps: RunbookDeps, context?: InvocationContext) =>
  eventRun(event, deps, context, {
    schema: wakeRunEvent,
    what: 'a wake-up of a run',
    maxBytes: 1024,
    handle: wakeRun,
    named: (e) => `the wake-up of run ${e.wakeRun}`,
  });
