import { randomUUID } from 'node:crypto';
import { validateEvent } from '../../shared/events/validate.js';
import { deploymentEvent } from '../../shared/events/deployment.js';
import { scheduledRunEvent } from '../../shared/events/scheduled-run.js';
import { wakeRunEvent } from '../../shared/events/wake-run.js';
import { handleDeployment } from '../../shared/runbooks/deployment.js';
import { runScheduled } from '../../shared/runbooks/scheduled.js';
import { wakeRun } from '../../shared/runbooks/wake.js';
import { withDeadline, type InvocationContext } from '../../shared/lambda-deadline.js';
import { knownSecrets } from '../../shared/secrets/mask.js';
import type { RunbookDeps, RunbookResult } from '../../shared/runbooks/execute.js';
import type * as z from '../../shared/zod.js';
import { report } from './report.js';

interface EventRun<E> {
  schema: z.ZodMiniType<E>;
  /** What the event is, for an answer to one that is not. */
  what: string;
  maxBytes: number;
  handle: (event: E, deps: RunbookDeps) => Promise<RunbookResult>;
  /** The event as its failure's log line names it. */
  named: (event: E) => string;
}

/**
 * An event that starts a run (an ECS rollout, a schedule's firing, a wake-up): validated, then handled under this attempt's
 * deadline. What throws is logged and rethrown: Lambda retries it (the run goes on where it stopped), then the
 * alarmed dead-letter queue has it.
 */
export async function eventRun<E>(
  event: unknown,
  deps: RunbookDeps,
  context: InvocationContext | undefined,
  spec: EventRun<E>,
): Promise<RunbookResult | { error: string; problems: string[] }> {
  const parsed = validateEvent(spec.schema, event, spec.maxBytes);
  if (!parsed.ok) {
    deps.log.error(`not ${spec.what}`, { problems: parsed.problems });
    return { error: `not ${spec.what}`, problems: parsed.problems };
  }
  const run = { ...withDeadline(deps, context), holder: randomUUID(), ...(context?.awsRequestId ? { invocation: context.awsRequestId } : {}) };
  try {
    const result = await spec.handle(parsed.data, run);
    report(result, deps);
    return result;
  } catch (err) {
    deps.log.error(`${spec.named(parsed.data)} not handled; it will be retried`, {
      error: knownSecrets.text(err instanceof Error ? err.message : String(err)),
    });
    throw err;
  }
}

/** An ECS rollout of a service the config names: holds, lifts, or its failure's incident and rollback. */
export const deploymentRun: EventRun<z.output<typeof deploymentEvent>> = {
  schema: deploymentEvent,
  what: 'an ECS Deployment State Change event',
  maxBytes: 16 * 1024,
  handle: handleDeployment,
  named: (e) => `deployment ${e.detail.deploymentId} (event ${e.id})`,
};

/** A runbook's schedule fired: its run, once per firing. */
export const scheduledRun: EventRun<z.output<typeof scheduledRunEvent>> = {
  schema: scheduledRunEvent,
  what: 'a scheduled runbook event',
  maxBytes: 4 * 1024,
  handle: runScheduled,
  named: (e) => `scheduled runbook ${e.scheduledRunbook} (${e.at})`,
};

/** A run's wait is over: it goes on where it slept. */
export const wakeUp: EventRun<z.output<typeof wakeRunEvent>> = {
  schema: wakeRunEvent,
  what: 'a wake-up of a run',
  maxBytes: 1024,
  handle: wakeRun,
  named: (e) => `the wake-up of run ${e.wakeRun}`,
};
