import { deploymentEvent } from '../../shared/events/deployment.js';
import type { InvocationContext } from '../../shared/lambda-deadline.js';
import { handleDeployment } from '../../shared/runbooks/deployment.js';
import type { RunbookDeps } from '../../shared/runbooks/execute.js';
import { eventRun } from './event-run.js';

/** An ECS rollout of a service the config names: holds, lifts, or its failure's incident and rollback. */
export const deployment = (event: unknown, deps: RunbookDeps, context?: InvocationContext) =>
  eventRun(event, deps, context, {
    schema: deploymentEvent,
    what: 'an ECS Deployment State Change event',
    maxBytes: 16 * 1024,
    handle: handleDeployment,
    named: (e) => `deployment ${e.detail.deploymentId} (event ${e.id})`,
  });
