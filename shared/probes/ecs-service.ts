import * as z from '../zod.js';
import type { EcsService } from '../aws/ecs.js';
import { worst, type Observation, type Status } from '../findings.js';
import { ecsTargetSchema, parseEcsTarget } from './ecs-target.js';
import { defineProbe } from './probe.js';

const MINUTE_MS = 60_000;
const PLACEMENT_TROUBLE = /unable to place a task|was unable to place|insufficient (memory|cpu)|no container instances/i;

const settings = z.strictObject({
  /** `cluster/service`. */
  target: ecsTargetSchema,
  /** A rollout still IN_PROGRESS after this long is stuck. Default: 30 minutes. */
  rolloutStuckMinutes: z._default(z.number().check(z.positive()), 30),
  /** Service events this recent are read for trouble such as "unable to place a task". Default: 15 minutes. */
  eventsWindowMinutes: z._default(z.number().check(z.positive()), 15),
  /** Recently stopped tasks attached as evidence when something is wrong. Default: 5. */
  stoppedTasks: z._default(z.int().check(z.minimum(0), z.maximum(100)), 5),
});

export const ecsServiceProbe = defineProbe({
  kind: 'ecs-service',
  description: 'Reads an ECS service; checks running vs desired count, the rollout, and recent placement trouble.',
  settings,
  uses: { aws: ['ecs'] },
  describeTarget: (check) => check.target,
  secrets: () => [],
  async run(check, { signal, clock, aws }): Promise<Observation> {
    const { cluster, service } = parseEcsTarget(check.target);
    const s = await aws.ecs.describeService(cluster, service, signal);
    const now = clock.now();
    const problems = judge(s, check, now);
    const status = worst(...problems.map((p) => p.status));
    const recentEvents = s.events.filter((e) => e.createdAt && now.getTime() - e.createdAt.getTime() <= check.eventsWindowMinutes * MINUTE_MS).slice(0, 5);
    const evidence: Record<string, unknown> = {
      deployments: s.deployments.map((d) => ({
        status: d.status,
        taskDefinition: d.taskDefinition,
        running: d.runningCount,
        desired: d.desiredCount,
        failedTasks: d.failedTasks,
        rolloutState: d.rolloutState,
        rolloutStateReason: d.rolloutStateReason,
      })),
      recentEvents: recentEvents.map((e) => `${e.createdAt?.toISOString()} ${e.message}`),
    };
    if (status !== 'ok' && check.stoppedTasks > 0) {
      const stopped = await aws.ecs.recentlyStoppedTasks(cluster, service, check.stoppedTasks, signal);
      evidence.stoppedTasks = stopped.map((t) => ({
        task: t.taskArn.split('/').pop(),
        stoppedAt: t.stoppedAt?.toISOString(),
        reason: t.stoppedReason,
        stopCode: t.stopCode,
        exitCodes: Object.fromEntries(t.containers.map((c) => [c.name, c.exitCode ?? null])),
      }));
    }
    return {
      status,
      summary: problems.length ? problems.map((p) => p.text).join('; ') : `running ${s.runningCount}/${s.desiredCount}, steady`,
      observed: { desired: s.desiredCount, running: s.runningCount, pending: s.pendingCount, deployments: s.deployments.length },
      evidence,
    };
  },
});

function judge(s: EcsService, check: z.output<typeof settings>, now: Date): { status: Status; text: string }[] {
  const problems: { status: Status; text: string }[] = [];
  if (s.status !== 'ACTIVE') problems.push({ status: 'fail', text: `service is ${s.status}` });
  const primary = s.deployments.find((d) => d.status === 'PRIMARY');
  const rolloutMinutes = primary?.createdAt ? (now.getTime() - primary.createdAt.getTime()) / MINUTE_MS : 0;
  const rollingOut = primary?.rolloutState === 'IN_PROGRESS';
  const stuck = rollingOut && rolloutMinutes > check.rolloutStuckMinutes;
  if (primary?.rolloutState === 'FAILED') problems.push({ status: 'fail', text: `rollout failed${primary.rolloutStateReason ? `: ${primary.rolloutStateReason}` : ''}` });
  if (stuck) problems.push({ status: 'fail', text: `rollout in progress for ${Math.round(rolloutMinutes)} min (stuck after ${check.rolloutStuckMinutes})` });
  if (s.runningCount < s.desiredCount) {
    // During a healthy rollout fewer tasks may run for a while; outside one, it is an outage.
    const during = rollingOut && !stuck;
    problems.push({ status: during ? 'warn' : 'fail', text: `running ${s.runningCount}/${s.desiredCount}${s.pendingCount ? `, ${s.pendingCount} pending` : ''}${during ? ' (deploying)' : ''}` });
  }
  const trouble = s.events.find((e) => e.createdAt && now.getTime() - e.createdAt.getTime() <= check.eventsWindowMinutes * MINUTE_MS && PLACEMENT_TROUBLE.test(e.message));
  if (trouble) problems.push({ status: 'warn', text: `recent event: ${trouble.message}` });
  return problems;
}
