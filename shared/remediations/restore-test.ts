import * as z from '../zod.js';
import type { Snapshot } from '../aws/docdb.js';
import type { Copies, Copy } from './restore-copies.js';
import { RemediationRefusedError, SetupError, TargetUnresolvedError } from '../errors.js';
import type { Arns, Grant } from '../permissions.js';
import type { Uses } from '../uses.js';
import { defineRemediation, type Progress, type RemediationContext } from './remediation.js';

/** A scratch copy's tags: whose copy it is, until when it may live, and its test's outcome once known. */
const OF = 'vigil:restore-of';
const DEADLINE = 'vigil:delete-by';
const TESTED = 'vigil:tested';

/** States a restore does not come back from: the copy is deleted and the test has failed. */
const BROKEN = new Set([
  'failed',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'inaccessible-encryption-credentials',
  'storage-full',
]);

/**
 * `vigil-restore-<source>-`: every scratch copy of one source starts so, and the grants hold Vigil to those names.
 * With the minute (12) and a cluster's instance suffix (`-1`), it stays within the RDS family's 63 characters.
 */
export const scratchPrefix = (source: string) => `vigil-restore-${source.slice(0, 34)}-`.replace(/--+/g, '-');

/** Why a restore test's write grants end in `*`: copies are named by the minute they start. */
export const HELD_TO_VIGIL_NAMES =
  'A copy is held to vigil-restore-<source>- names and the source’s snapshots; it joins the groups the source’s snapshot names.';

/**
 * What restoring a cluster copy with its one instance needs (Aurora's and DocumentDB's actions are both `rds:`),
 * held to Vigil's names and the source's snapshots; `readsTags` where the describe calls do not carry them.
 */
export function clusterRestoreGrants(source: string, arns: Arns, { groups, readsTags = false }: { groups: string[]; readsTags?: boolean }): Grant[] {
  const copy = arns.of('rds', `db:${scratchPrefix(source)}*`);
  const cluster = arns.of('rds', `cluster:${scratchPrefix(source)}*`);
  const joined = groups.map((g) => arns.of('rds', g));
  return [
    {
      actions: ['rds:DescribeDBClusters', 'rds:DescribeDBClusterSnapshots', 'rds:DescribeDBInstances'],
      resources: ['*'],
      wildcard: 'Listing the scratch copies reads every cluster and its instances, and a source is listed by its snapshots: read-only.',
    },
    {
      actions: ['rds:RestoreDBClusterFromSnapshot'],
      resources: [
        cluster,
        arns.of('rds', `cluster-snapshot:rds:${source}-*`),
        arns.of('rds', `cluster-snapshot:vigil-${source}-*`),
        arns.of('rds', 'cluster-pg:*'),
        ...joined,
      ],
      wildcard: HELD_TO_VIGIL_NAMES,
    },
    // Its one instance, in the copy and nowhere else.
    { actions: ['rds:CreateDBInstance'], resources: [copy, cluster, ...joined], wildcard: HELD_TO_VIGIL_NAMES },
    {
      actions: ['rds:AddTagsToResource', 'rds:DeleteDBInstance', 'rds:DeleteDBCluster', ...(readsTags ? ['rds:ListTagsForResource'] : [])],
      resources: [copy, cluster],
      wildcard: HELD_TO_VIGIL_NAMES,
    },
  ];
}

/** The settings every restore test has, besides its `source` (each kind's own identifier). */
export const restoreShape = (defaultClass: string) => ({
  /** The check whose queries run against the copy: a check of the source, pointed at the copy's endpoint. */
  check: z.string().check(z.minLength(1)),
  /** The copy's class: small is enough to prove the data is there. */
  instanceClass: z._default(z.string().check(z.regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, `expected an instance class, e.g. "${defaultClass}"`)), defaultClass),
  /** What a copy may cost: past `maxUsd` at `usdPerHour` (its class's on-demand price), it is deleted, tested or not. */
  costCeiling: z.strictObject({
    usdPerHour: z.number().check(z.positive()),
    maxUsd: z.number().check(z.positive()),
  }),
  /** How often the run looks at the restore while it goes on. Default: 10. */
  checkEveryMinutes: z._default(z.int().check(z.minimum(1), z.maximum(60)), 10),
});

/** A restore test's settings, as the shared logic reads them. */
export interface Settings {
  source: string;
  check: string;
  instanceClass: string;
  costCeiling: { usdPerHour: number; maxUsd: number };
  checkEveryMinutes: number;
  scope?: 'instance' | 'cluster';
}

interface RestoreChange extends Record<string, unknown> {
  scratch: string;
  snapshot: string;
  snapshotAt: string;
  plannedAt: string;
  deleteBy: string;
  leftovers: string[];
  engine: string;
  subnetGroup?: string | undefined;
  securityGroups?: string[] | undefined;
  publiclyAccessible?: boolean | undefined;
}

/** The source's scratch copies: under way (before their deadline), or left behind by a run that never ended. */
async function existing(s: Settings, copies: Copies, now: Date, signal?: AbortSignal) {
  const found = (await copies.named(scratchPrefix(s.source), signal)).filter((c) => c.tags[OF] === s.source);
  const leftBehind = (c: Copy) => !c.tags[DEADLINE] || new Date(c.tags[DEADLINE]) <= now;
  return {
    underWay: found.filter((c) => !leftBehind(c) && c.status !== 'deleting'),
    leftovers: found.filter((c) => leftBehind(c) && c.status !== 'deleting'),
  };
}

const refuseUnderWay = (s: Settings, underWay: Copy[]) => {
  const running = underWay[0];
  if (running) throw new RemediationRefusedError(`a restore test of ${s.source} is under way (${running.id}, ${running.status}); one at a time`);
};

/** The newest snapshot a restore can start from: automated, or one Vigil took (the grants allow no other). */
async function newestSnapshot(s: Settings, copies: Copies, signal?: AbortSignal): Promise<Snapshot> {
  const [automated, manual] = await Promise.all([copies.snapshots('automated', signal), copies.snapshots('manual', signal)]);
  const usable = [...automated, ...manual.filter((m) => m.id.startsWith(`vigil-${s.source}-`))].filter((x) => x.status === 'available');
  const newest = usable.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!newest) throw new RemediationRefusedError(`${s.source} has no available snapshot to restore: are automated backups on?`);
  return newest;
}

/** A test's end, its verdict first: the message's subject shows that much. */
const ended = (ok: boolean, what: string): Progress => ({ done: true, ok, result: `restore test ${ok ? 'passed' : 'failed'}: ${what}` });
const minutesBetween = (from: string | Date, to: Date) => Math.round((to.getTime() - new Date(from).getTime()) / 60_000);
const ceilingHours = (s: Settings) => s.costCeiling.maxUsd / s.costCeiling.usdPerHour;

/**
 * Proves a backup restores: the newest snapshot of a database becomes a scratch copy Vigil names, the
 * source's check runs against it once it is available, and it is deleted whatever the outcome. One copy
 * at a time per source; a copy past its cost ceiling is deleted, and one a dead run left behind is
 * deleted by the next run.
 */
export function restoreTestRemediation<S extends z.ZodMiniObject, const K extends string>(r: {
  kind: K;
  description: string;
  example: z.input<S>;
  settings: S;
  uses: Uses;
  /** The kind of check it runs against the copy. */
  checkKind: string;
  /** The service in the target key, e.g. `rds`: `rds-restore:<source>`. */
  service: string;
  permissions(s: z.output<S>, arns: Arns): Grant[];
  copies(s: z.output<S>, ctx: RemediationContext): Copies;
}) {
  const copiesOf = (s: Settings, ctx: RemediationContext) => r.copies(s as z.output<S>, ctx);
  return defineRemediation({
    kind: r.kind,
    example: r.example,
    description: r.description,
    risk: 'low',
    uses: r.uses,
    settings: r.settings,
    namedChecks: (s) => [{ path: ['check'], id: (s as Settings).check, kinds: [r.checkKind], runs: true }],
    permissions: r.permissions,
    targetKey: (s) => `${r.service}-restore:${(s as Settings).source}`,
    async plan(s, ctx) {
      const copies = copiesOf(s, ctx);
      const now = ctx.clock.now();
      const [source, found, snapshot] = await Promise.all([
        copies.source(ctx.signal),
        existing(s, copies, now, ctx.signal),
        newestSnapshot(s, copies, ctx.signal),
      ]);
      refuseUnderWay(s, found.underWay);
      const scratch = `${scratchPrefix(s.source)}${now.toISOString().slice(0, 16).replace(/[-:T]/g, '')}`;
      const deleteBy = new Date(now.getTime() + ceilingHours(s) * 3_600_000).toISOString();
      const leftovers = found.leftovers.map((c) => c.id);
      const change: RestoreChange = {
        scratch,
        snapshot: snapshot.id,
        snapshotAt: snapshot.createdAt.toISOString(),
        plannedAt: now.toISOString(),
        deleteBy,
        leftovers,
        engine: source.engine,
        subnetGroup: source.subnetGroup,
        securityGroups: source.securityGroups,
        publiclyAccessible: source.publiclyAccessible,
      };
      return {
        summary: [
          `restore snapshot ${snapshot.id} (${change.snapshotAt.slice(0, 16)}) of ${s.source} to ${scratch} (${s.instanceClass}), test it with ${s.check}`,
          `and delete it by ${deleteBy.slice(0, 16)} at the latest ($${s.costCeiling.maxUsd})`,
          ...(leftovers.length ? [`; delete ${leftovers.join(', ')}, left behind`] : []),
        ].join(' '),
        change,
      };
    },
    async execute(s, plan, ctx) {
      const copies = copiesOf(s, ctx);
      const change = plan.change as RestoreChange;
      // Again just before acting: another run's copy may have started since the plan.
      refuseUnderWay(s, (await existing(s, copies, ctx.clock.now())).underWay);
      for (const id of change.leftovers) await copies.delete(id);
      const copy = await copies.restore({
        id: change.scratch,
        snapshotId: change.snapshot,
        instanceClass: s.instanceClass,
        engine: change.engine,
        subnetGroup: change.subnetGroup,
        securityGroups: change.securityGroups,
        publiclyAccessible: change.publiclyAccessible,
        tags: { 'created-by': 'vigil', [OF]: s.source, [DEADLINE]: change.deleteBy },
      });
      const cleaned = change.leftovers.length ? `; deleted ${change.leftovers.join(', ')}, left behind` : '';
      return `restore of ${change.snapshot} to ${change.scratch} started (${copy.status})${cleaned}`;
    },
    async reconcile(s, plan, ctx) {
      const { scratch } = plan.change as RestoreChange;
      try {
        const copy = await copiesOf(s, ctx).describe(scratch, ctx.signal);
        // Made, then deleted again by the action itself when it could not be completed: there is no copy to test.
        if (copy.status === 'deleting') return { applied: 'no', detail: `${scratch} was made and is being deleted again` };
        return { applied: 'yes', detail: `${scratch} is ${copy.status}` };
      } catch (err) {
        if (err instanceof TargetUnresolvedError) return { applied: 'no', detail: `no ${(s as Settings).scope ?? 'cluster'} ${scratch}` };
        throw err;
      }
    },
    follow: (s, plan, ctx) => followRestore(s as Settings, plan.change as RestoreChange, copiesOf(s as Settings, ctx), ctx),
  });
}

/** Where the restore stands: still going, or tested and deleted (or deleted at its ceiling, or broken). */
async function followRestore(s: Settings, change: RestoreChange, copies: Copies, ctx: RemediationContext): Promise<Progress> {
  const now = ctx.clock.now();
  const took = () => `${minutesBetween(change.plannedAt, now)} min`;
  const from = `snapshot ${change.snapshot} of ${s.source}`;
  let copy: Copy;
  try {
    copy = await copies.describe(change.scratch, ctx.signal);
  } catch (err) {
    if (!(err instanceof TargetUnresolvedError)) throw err;
    return ended(false, `${change.scratch} is gone after ${took()}: the restore of ${from} failed, or someone deleted the copy`);
  }
  // Tested by an earlier attempt that died before its result was saved: the tag says how it went.
  const tested = copy.tags[TESTED];
  if (tested) {
    await copies.delete(change.scratch);
    return ended(tested.startsWith('passed'), `${from} restored to ${change.scratch}; ${s.check} ${tested} (read back); copy deleted`);
  }
  // Not deleted by this test (its outcome is not on it): by a person, or by the action undoing a half-made copy.
  if (copy.status === 'deleting')
    return ended(false, `${change.scratch} is being deleted after ${took()}, untested: the restore of ${from} was undone, or someone deleted the copy`);
  if (BROKEN.has(copy.status)) {
    await copies.delete(change.scratch);
    return ended(false, `the restore of ${from} to ${change.scratch} ended ${copy.status} after ${took()}; copy deleted`);
  }
  if (now >= new Date(change.deleteBy)) {
    await copies.delete(change.scratch);
    return ended(
      false,
      `${change.scratch} was still ${copy.status} after ${took()}, at the cost ceiling ($${s.costCeiling.maxUsd} at $${s.costCeiling.usdPerHour}/h); deleted untested`,
    );
  }
  // A cluster restored without its instance (an answer lost between the two calls) gets it now.
  if (copy.incomplete && copy.status.startsWith('available')) {
    await copies.complete(change.scratch, {
      engine: change.engine,
      instanceClass: s.instanceClass,
      publiclyAccessible: change.publiclyAccessible,
      tags: { 'created-by': 'vigil', [OF]: s.source },
    });
    return { done: false, detail: `${change.scratch} had no instance; one is being added`, checkAgainMinutes: s.checkEveryMinutes };
  }
  if (copy.status !== 'available' || !copy.endpoint)
    return { done: false, detail: `${change.scratch} is ${copy.status}, ${took()} after the restore began`, checkAgainMinutes: s.checkEveryMinutes };
  if (!ctx.checkAt) throw new SetupError(`${s.check} cannot be run here: a restore test runs in a runbook`);
  const minutes = minutesBetween(change.plannedAt, now);
  const found = await ctx.checkAt(s.check, copy.endpoint, ctx.signal);
  // A warning still shows the data is there; a check that could not see, or failed, is a failed restore.
  const passed = found.status === 'ok' || found.status === 'warn';
  await copies.tag(copy.arn!, { [TESTED]: `${passed ? 'passed' : 'failed'} ${found.status} after ${minutes} min` });
  await copies.delete(change.scratch);
  return ended(
    passed,
    `${from} (${change.snapshotAt.slice(0, 16)}) restored to ${change.scratch}, available within ${minutes} min (looked every ${s.checkEveryMinutes}); ${s.check} ${found.status}: ${found.summary}; copy deleted`,
  );
}
