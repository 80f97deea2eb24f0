import * as z from '../zod.js';
import { ecsTargetSchema } from '../probes/ecs-target.js';
import { SEVERITIES } from './names.js';

/**
 * An ECS service whose rollouts hold the checks tied to it: while a deployment rolls out, their failures are
 * recorded, not paged, and start no runbook, for at most `maxMinutes`; a deployment that fails opens one
 * incident that names it and, with `rollback`, proposes that remediation.
 */
export const deploymentSchema = z.strictObject({
  /** The service, as `cluster/service`. */
  service: ecsTargetSchema,
  /** The checks tied to it: every check with these tags, e.g. `{ service: 'orders' }`. */
  tags: z.record(z.string(), z.string()).check(z.refine((t) => Object.keys(t).length > 0, 'name at least one tag, e.g. { service: "orders" }')),
  /** The longest a rollout holds them (the rollout's own limit; ECS says when it completes or fails first). Default: 30. */
  maxMinutes: z._default(z.number().check(z.positive(), z.maximum(24 * 60)), 30),
  /** The failed deployment's incident. Default: P2. */
  severity: z._default(z.enum(SEVERITIES), 'P2'),
  /** A remediation (an `ecs-rollback` on this service) the failed deployment's incident runs: high risk, so proposed unless allowed. */
  rollback: z.optional(z.string().check(z.minLength(1))),
});

export type DeploymentConfig = z.output<typeof deploymentSchema>;

interface Shape {
  checks: readonly { tags: Record<string, string> }[];
  remediations: readonly { id: string; kind: string; target?: unknown }[];
  deployments: readonly DeploymentConfig[];
}

/** What is wrong with the deployments: tags no check has, a rollback that is not one of this service. Each names its field. */
export function deploymentProblems(config: Shape): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  config.deployments.forEach((d, i) => {
    const tied = config.checks.filter((c) => Object.entries(d.tags).every(([k, v]) => c.tags[k] === v));
    if (!tied.length)
      problems.push({ path: ['deployments', i, 'tags'], message: `no check has the tags ${JSON.stringify(d.tags)}; tag the checks of ${d.service} with them` });
    if (d.rollback === undefined) return;
    const r = config.remediations.find((x) => x.id === d.rollback);
    if (!r || r.kind !== 'ecs-rollback' || r.target !== d.service)
      problems.push({
        path: ['deployments', i, 'rollback'],
        message: `"${d.rollback}" is not an ecs-rollback remediation of ${d.service}; declare { id: '${d.rollback}', kind: 'ecs-rollback', target: '${d.service}' } in remediations`,
      });
  });
  return problems;
}
