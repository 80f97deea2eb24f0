import * as z from '../zod.js';
import type { Arns, Grant } from '../permissions.js';

/** `cluster/service`, the typed target of ECS probes and remediations. */
export const ecsTargetSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255}$/, 'expected "cluster/service", e.g. "prod/orders-api"'));

/** Describing and updating one service: what every ECS remediation needs, and the ecs-service probe. */
export function serviceGrant(target: string, arns: Arns, actions: string[]): Grant {
  const { cluster, service } = parseEcsTarget(target);
  return { actions, resources: [arns.of('ecs', `service/${cluster}/${service}`)] };
}

export function parseEcsTarget(target: string): { cluster: string; service: string } {
  const [cluster, service] = target.split('/') as [string, string];
  return { cluster, service };
}
