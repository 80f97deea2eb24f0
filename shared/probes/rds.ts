import * as z from '../zod.js';
import type { MaintenanceAction, RdsInstance, RdsPort } from '../aws/rds.js';
import { worst, type Observation, type Status } from '../findings.js';
import { defineProbe } from './probe.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Statuses RDS passes through on its own (the user guide's list); anything else not `available` is trouble. */
const TRANSIENT = new Set([
  'backing-up',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
  'converting-to-vpc',
  'maintenance',
  'modifying',
  'moving-to-vpc',
  'rebooting',
  'renaming',
  'resetting-master-credentials',
  'starting',
  'storage-optimization',
  'upgrading',
  'failing-over',
  'creating',
]);

export const rdsIdentifier = z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'expected an RDS instance or cluster identifier, e.g. "orders-db"'));

const settings = z.strictObject({
  /** The DB instance identifier, or the Aurora cluster identifier with `scope: 'cluster'`. */
  target: rdsIdentifier,
  /** `instance` (RDS) or `cluster` (Aurora, Multi-AZ clusters). Default: instance. */
  scope: z._default(z.enum(['instance', 'cluster']), 'instance'),
  /** `status`: available, writer present, maintenance, storage ceiling. `backup`: restorable time and newest automated snapshot. Default: status. */
  measure: z._default(z.enum(['status', 'backup']), 'status'),
  /** status: warn when maintenance will be applied without asking within this many days. Default: 7. */
  maintenanceWarnDays: z._default(z.number().check(z.nonnegative()), 7),
  /** status: warn when storage autoscaling has used this share of its maximum. Default: 90 (%). */
  storageCeilingPercent: z._default(z.number().check(z.positive(), z.maximum(100)), 90),
  /** backup: the newest automated snapshot must be younger than this. Default: 26 (a daily backup plus slack). */
  maxBackupAgeHours: z._default(z.number().check(z.positive()), 26),
  /** backup: the latest restorable time may trail now by this much (RDS keeps it within about 5 minutes). Default: 15. */
  maxRestoreLagMinutes: z._default(z.number().check(z.positive()), 15),
});

type RdsCheck = z.output<typeof settings>;

export const rdsProbe = defineProbe({
  kind: 'rds',
  example: { target: 'orders-db', measure: 'status' },
  description:
    'RDS instance or Aurora cluster: status, writer, pending maintenance, storage autoscaling ceiling; or backup freshness (restorable time, newest automated snapshot).',
  settings,
  uses: { aws: ['rds'] },
  permissions: (check, arns) => {
    const own = arns.of('rds', check.scope === 'cluster' ? `cluster:${check.target}` : `db:${check.target}`);
    return [
      { actions: check.scope === 'cluster' ? ['rds:DescribeDBClusters'] : ['rds:DescribeDBInstances'], resources: [own] },
      {
        actions: ['rds:DescribeDBInstances', 'rds:DescribePendingMaintenanceActions', 'rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots'],
        resources: [arns.of('rds', 'db:*'), arns.of('rds', 'cluster:*'), arns.of('rds', 'snapshot:*'), arns.of('rds', 'cluster-snapshot:*')],
        wildcard:
          "Listing an instance's or a cluster's members, maintenance and snapshots filters by identifier; IAM authorises those read-only list calls only on all of them.",
      },
    ];
  },
  describeTarget: (check) => (check.scope === 'cluster' ? `cluster ${check.target}` : check.target),
  secrets: () => [],
  async run(check, { aws, signal, clock }): Promise<Observation> {
    if (!aws.rds) throw new Error('no RDS client configured');
    const now = clock.now();
    if (check.measure === 'backup') return backup(check, aws.rds, now, signal);
    const members = check.scope === 'cluster' ? await aws.rds.describeCluster(check.target, signal) : undefined;
    const instances = members ? members.instances : [await aws.rds.describeInstance(check.target, signal)];
    const maintenance = await aws.rds.pendingMaintenance(check.scope, [check.target], signal);
    const memberMaintenance = members?.instances.length
      ? await aws.rds.pendingMaintenance(
          'instance',
          members.instances.map((i) => i.id),
          signal,
        )
      : [];
    return judgeStatus(
      check,
      { cluster: members ? { id: members.id, status: members.status } : undefined, instances, maintenance: [...maintenance, ...memberMaintenance] },
      now,
    );
  },
});

interface StatusView {
  cluster?: { id: string; status: string } | undefined;
  instances: RdsInstance[];
  maintenance: MaintenanceAction[];
}

/** The status judgement, from what RDS answered: the worst of cluster, writer, members, maintenance and storage. */
export function judgeStatus(check: RdsCheck, view: StatusView, now: Date): Observation {
  const problems: { status: Status; text: string }[] = [];
  const { cluster, instances } = view;
  const grade = (status: string): Status => (status === 'available' ? 'ok' : TRANSIENT.has(status) ? 'warn' : 'fail');
  if (cluster) {
    const writer = instances.find((i) => i.writer);
    if (!writer) problems.push({ status: 'fail', text: `${cluster.id} has no writer instance (${cluster.status})` });
    else if (grade(writer.status) !== 'ok') problems.push({ status: grade(writer.status), text: `writer ${writer.id} is ${writer.status}` });
    if (grade(cluster.status) !== 'ok') problems.push({ status: grade(cluster.status), text: `${cluster.id} is ${cluster.status}` });
    for (const i of instances.filter((x) => !x.writer && x.status !== 'available')) problems.push({ status: 'warn', text: `${i.id} is ${i.status}` });
  } else {
    const [i] = instances;
    if (i && grade(i.status) !== 'ok') problems.push({ status: grade(i.status), text: `${i.id} is ${i.status}` });
  }
  for (const i of instances) {
    if (!i.maxAllocatedGiB || !i.allocatedGiB) continue;
    const used = Math.round((100 * i.allocatedGiB) / i.maxAllocatedGiB);
    if (used >= check.storageCeilingPercent)
      problems.push({ status: 'warn', text: `${i.id} storage autoscaling at ${i.allocatedGiB} of ${i.maxAllocatedGiB} GiB (${used}%)` });
  }
  const soon = view.maintenance.filter((m) => m.appliesAt && m.appliesAt.getTime() - now.getTime() <= check.maintenanceWarnDays * DAY_MS);
  for (const m of soon) problems.push({ status: 'warn', text: `${m.action} on ${m.resource} applies ${m.appliesAt!.toISOString().slice(0, 10)}` });

  const available = instances.filter((i) => i.status === 'available').length;
  const observed = { instances: instances.length, instancesAvailable: available, pendingMaintenance: view.maintenance.length };
  const evidence = {
    ...(cluster ? { cluster: cluster.status } : {}),
    instances: instances.map((i) => ({
      id: i.id,
      status: i.status,
      class: i.instanceClass,
      writer: i.writer,
      ...(i.maxAllocatedGiB ? { storageGiB: `${i.allocatedGiB}/${i.maxAllocatedGiB}` } : {}),
    })),
    maintenance: view.maintenance.map((m) => ({
      resource: m.resource,
      action: m.action,
      ...(m.appliesAt ? { appliesAt: m.appliesAt.toISOString() } : {}),
      ...(m.description ? { description: m.description } : {}),
    })),
  };
  if (problems.length) {
    const status = worst(...problems.map((p) => p.status));
    return { status, summary: problems.map((p) => p.text).join('; '), observed, evidence };
  }
  const name = cluster
    ? `${cluster.id} available, ${available} instance${available === 1 ? '' : 's'} available, writer ${instances.find((i) => i.writer)!.id}`
    : `${instances[0]!.id} available (${instances[0]!.instanceClass})`;
  const pending = view.maintenance.length
    ? `; ${view.maintenance.length} maintenance action${view.maintenance.length > 1 ? 's' : ''} pending, none due within ${check.maintenanceWarnDays} days`
    : '';
  return { status: 'ok', summary: name + pending, observed, evidence };
}

async function backup(check: RdsCheck, rds: RdsPort, now: Date, signal: AbortSignal): Promise<Observation> {
  const restorable =
    check.scope === 'cluster'
      ? (await rds.describeCluster(check.target, signal)).latestRestorableTime
      : (await rds.describeInstance(check.target, signal)).latestRestorableTime;
  const latest = await rds.latestAutomatedSnapshot(check.scope, check.target, signal);
  if (!restorable && !latest) return { status: 'fail', summary: `${check.target} has no automated backups (is the retention period 0?)`, observed: {} };
  const problems: { status: Status; text: string }[] = [];
  const observed: Record<string, number> = {};
  if (restorable) {
    const lag = Math.round((now.getTime() - restorable.getTime()) / 60_000);
    observed.restoreLagMinutes = lag;
    if (lag > check.maxRestoreLagMinutes)
      problems.push({ status: 'fail', text: `latest restorable time is ${lag} min old (limit ${check.maxRestoreLagMinutes} min)` });
  } else problems.push({ status: 'fail', text: 'no latest restorable time: point-in-time recovery is unavailable' });
  if (latest) {
    const hours = Math.round(((now.getTime() - latest.createdAt.getTime()) / HOUR_MS) * 10) / 10;
    observed.backupAgeHours = hours;
    if (hours > check.maxBackupAgeHours)
      problems.push({ status: 'fail', text: `newest automated snapshot ${latest.id} is ${hours} h old (limit ${check.maxBackupAgeHours} h)` });
    else if (latest.status !== 'available') problems.push({ status: 'warn', text: `newest automated snapshot ${latest.id} is ${latest.status}` });
  } else problems.push({ status: 'fail', text: `${check.target} has no automated snapshot` });
  const evidence = {
    ...(restorable ? { latestRestorableTime: restorable.toISOString() } : {}),
    ...(latest ? { snapshot: { ...latest, createdAt: latest.createdAt.toISOString() } } : {}),
  };
  if (problems.length) return { status: worst(...problems.map((p) => p.status)), summary: problems.map((p) => p.text).join('; '), observed, evidence };
  return {
    status: 'ok',
    summary: `restorable to ${observed.restoreLagMinutes} min ago; newest automated snapshot ${latest!.id} is ${observed.backupAgeHours} h old`,
    observed,
    evidence,
  };
}
