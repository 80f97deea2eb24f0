import { randomUUID } from 'node:crypto';
import { deploymentEvent } from '../../shared/events/deployment.js';
import { validateEvent } from '../../shared/events/validate.js';
import { withDeadline, type InvocationContext } from '../../shared/lambda-deadline.js';
import { handleDeployment } from '../../shared/runbooks/deployment.js';
import { knownSecrets } from '../../shared/secrets/mask.js';
import type { RunbookDeps, RunbookResult } from '../../shared/runbooks/execute.js';
import { report } from './report.js';

/**
 * An ECS rollout of a service the config names: holds, lifts, or its failure's incident and rollback. What throws is
 * logged and rethrown: Lambda retries it, then the alarmed dead-letter queue has it.
 */
export async function deployment(
  event: unknown,
  deps: RunbookDeps,
  context?: InvocationContext,
): Promise<RunbookResult | { error: string; problems: string[] }> {
  const parsed = validateEvent(deploymentEvent, event, 16 * 1024);
  if (!parsed.ok) {
    deps.log.error('not an ECS Deployment State Change event', { problems: parsed.problems });
    return { error: 'not an ECS Deployment State Change event', problems: parsed.problems };
  }
  const run = { ...withDeadline(deps, context), holder: randomUUID(), ...(context?.awsRequestId ? { invocation: context.awsRequestId } : {}) };
  try {
    const result = await handleDeployment(parsed.data, run);
    report(result, deps);
    return result;
  } catch (err) {
    deps.log.error(`deployment ${parsed.data.detail.deploymentId} not handled; it will be retried`, {
      eventId: parsed.data.id,
      error: knownSecrets.text(err instanceof Error ? err.message : String(err)),
    });
    throw err;
  }
}
