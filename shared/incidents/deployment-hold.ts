import type { DeploymentConfig } from '../config/deployments.js';
import type { Silence } from '../config/silences.js';
import type { DeploymentEvent } from '../events/deployment.js';

const MINUTE_MS = 60_000;

/** One hold per service: a new deployment's replaces the last. */
export const holdId = (service: string) => `deployment:${service}`;

/** A hold is a stored silence, and a stored silence ends. */
export type Hold = Silence & { until: string };

export type HoldDecision =
  /** Hold the checks tied to the service until then (a stored silence by their tags). */
  | { hold: Hold }
  /** The rollout completed: the hold ends now, so a check still failing pages on its own. */
  | { lift: Hold }
  /** The rollout failed: the checks stay held while its incident (which names it) is handled, and that incident opens. */
  | { hold: Hold; failed: { reason: string } };

/**
 * What one ECS deployment event means for the checks tied to its service. Pure. An event older than the
 * hold in place (a late delivery of an earlier deployment's) changes nothing.
 */
export function decideHold(deployment: DeploymentConfig, event: DeploymentEvent, now: Date, current: Silence | undefined): HoldDecision | undefined {
  const { deploymentId, eventName, reason } = event.detail;
  const id = holdId(deployment.service);
  const until = new Date(now.getTime() + deployment.maxMinutes * MINUTE_MS).toISOString();
  const held = (why: string, end = until): Hold => ({ id, tags: deployment.tags, until: end, by: 'vigil', reason: why });
  const ours = current?.reason.includes(deploymentId) ?? false;
  switch (eventName) {
    case 'SERVICE_DEPLOYMENT_IN_PROGRESS':
      return { hold: held(`deployment ${deploymentId} of ${deployment.service} rolling out (held at most ${deployment.maxMinutes} min)`) };
    case 'SERVICE_DEPLOYMENT_COMPLETED':
      // Another deployment's completion says nothing about the one now rolling out.
      if (current && !ours) return undefined;
      return { lift: held(`deployment ${deploymentId} of ${deployment.service} completed`, now.toISOString()) };
    case 'SERVICE_DEPLOYMENT_FAILED': {
      const failed = `${deploymentId} failed${reason ? `: ${reason}` : ''}`;
      const why = `${deployment.service}: deployment ${failed}; see its incident (held at most ${deployment.maxMinutes} min more)`;
      return { hold: held(why), failed: { reason: failed } };
    }
  }
}
