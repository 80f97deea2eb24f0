import {
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  DescribeDBSnapshotsCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
} from '@aws-sdk/client-rds';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { SdkRds } from '../../shared/aws/rds.js';
import { rdsRestoreTest, scratchPrefix } from '../../shared/remediations/rds-restore-test.js';
import type { CheckAt, Progress } from '../../shared/remediations/remediation.js';
import { undeclaredCalls } from '../support/declared-calls.js';
import { useRdsRestores } from '../support/rds-restores.js';
import { parseConfig } from '../../shared/config/load.js';

// kind 'rds-restore-test': a scratch copy from the newest snapshot, tested, deleted whatever happens.

let now = new Date('2026-12-05T04:00:00Z');
const clock = { now: () => now };
const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));
let checked: { id: string; host: string; port: number }[] = [];
let finding = { status: 'ok', summary: 'no rows: amounts and rates within bounds' };
const checkAt: CheckAt = async (id, endpoint) => (checked.push({ id, ...endpoint }), finding);
const ctx = () => ({ aws: { rds: new SdkRds({ region: 'eu-west-1' }) } as unknown as AwsPorts, clock, checkAt });
const input = { source: 'orders-db', check: 'orders-db-integrity', costCeiling: { usdPerHour: 0.1, maxUsd: 0.3 } };
const settings = rdsRestoreTest.settings.parse(input);

const { rds, state, named, setStatus, copy, cluster, setClusterStatus } = useRdsRestores();

beforeEach(() => {
  now = new Date('2026-12-05T04:00:00Z');
  checked = [];
  finding = { status: 'ok', summary: 'no rows: amounts and rates within bounds' };
});

/** The run's loop: ask again after each `checkAgainMinutes` until the restore has ended. */
async function followToEnd(plan: Awaited<ReturnType<typeof rdsRestoreTest.plan>>, becomesAvailableAfter: number): Promise<{ end: Progress; looks: number }> {
  let looks = 0;
  const startedAt = now.getTime();
  for (;;) {
    const scratch = plan.change.scratch as string;
    if (named(scratch)?.DBInstanceStatus === 'creating' && now.getTime() - startedAt >= becomesAvailableAfter * 60_000) setStatus(scratch, 'available');
    const progress = await rdsRestoreTest.follow!(settings, plan, ctx());
    looks++;
    if (progress.done) return { end: progress, looks };
    later(progress.checkAgainMinutes);
  }
}

describe('rds-restore-test', () => {
  it('restores the newest available snapshot next to its source, tests the copy at its endpoint, says how long it took, and deletes it', async () => {
    const plan = await rdsRestoreTest.plan(settings, ctx());
    expect(plan.summary).toBe(
      'restore snapshot rds:orders-db-2026-12-05-03-10 (2026-12-05T03:10) of orders-db to vigil-restore-orders-db-202612050400 (db.t4g.medium), test it with orders-db-integrity and delete it by 2026-12-05T07:00 at the latest ($0.3)',
    );
    expect(await rdsRestoreTest.execute(settings, plan, ctx())).toBe(
      'restore of rds:orders-db-2026-12-05-03-10 to vigil-restore-orders-db-202612050400 started (creating)',
    );
    expect(rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)[0]!.args[0].input).toMatchObject({
      DBSnapshotIdentifier: 'rds:orders-db-2026-12-05-03-10',
      DBInstanceClass: 'db.t4g.medium',
      DBSubnetGroupName: 'private-db',
      VpcSecurityGroupIds: ['sg-0db'],
      PubliclyAccessible: false,
      DeletionProtection: false,
    });

    const { end, looks } = await followToEnd(plan, 25);
    expect(looks).toBe(4); // at 0, 10, 20 min creating; available at 30
    expect(end).toEqual({
      done: true,
      ok: true,
      result:
        'restore test passed: snapshot rds:orders-db-2026-12-05-03-10 of orders-db (2026-12-05T03:10) restored to vigil-restore-orders-db-202612050400, available within 30 min (looked every 10); orders-db-integrity ok: no rows: amounts and rates within bounds; copy deleted',
    });
    expect(checked).toEqual([{ id: 'orders-db-integrity', host: 'copy.abc.eu-west-1.rds.amazonaws.com', port: 5432 }]);
    expect(rds.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'vigil-restore-orders-db-202612050400', SkipFinalSnapshot: true, DeleteAutomatedBackups: true },
    ]);
    expect(undeclaredCalls(rdsRestoreTest, input, [rds])).toEqual([]);
  });

  it("fails when the copy's check fails, and deletes it all the same", async () => {
    finding = { status: 'fail', summary: '3 rows: amount < 0' };
    const plan = await rdsRestoreTest.plan(settings, ctx());
    await rdsRestoreTest.execute(settings, plan, ctx());
    const { end } = await followToEnd(plan, 0);
    expect(end).toMatchObject({ done: true, ok: false });
    expect((end as { result: string }).result).toContain('orders-db-integrity fail: 3 rows: amount < 0; copy deleted');
    expect(named(plan.change.scratch as string)!.DBInstanceStatus).toBe('deleting');
  });

  it('deletes a copy still restoring at its cost ceiling, untested', async () => {
    const plan = await rdsRestoreTest.plan(settings, ctx());
    await rdsRestoreTest.execute(settings, plan, ctx());
    const { end, looks } = await followToEnd(plan, 1_000);
    expect(looks).toBe(19); // every 10 minutes for 3 hours ($0.3 at $0.1/h), then the end
    expect(end).toEqual({
      done: true,
      ok: false,
      result:
        'restore test failed: vigil-restore-orders-db-202612050400 was still creating after 180 min, at the cost ceiling ($0.3 at $0.1/h); deleted untested',
    });
    expect(checked).toEqual([]);
    expect(named(plan.change.scratch as string)!.DBInstanceStatus).toBe('deleting');
  });

  it('deletes a copy whose restore broke', async () => {
    const plan = await rdsRestoreTest.plan(settings, ctx());
    await rdsRestoreTest.execute(settings, plan, ctx());
    setStatus(plan.change.scratch as string, 'incompatible-restore');
    expect(await rdsRestoreTest.follow!(settings, plan, ctx())).toMatchObject({ done: true, ok: false });
    expect(rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(1);
  });

  it('runs one restore of a source at a time, and deletes a copy a dead run left past its deadline', async () => {
    const plan = await rdsRestoreTest.plan(settings, ctx());
    await rdsRestoreTest.execute(settings, plan, ctx());
    later(60);
    await expect(rdsRestoreTest.plan(settings, ctx())).rejects.toThrow(
      'a restore test of orders-db is under way (vigil-restore-orders-db-202612050400, creating); one at a time',
    );
    // Another source whose name starts the same is not this one's.
    state.instances.push(
      copy('vigil-restore-orders-db-2-202612050400', 'creating', { 'vigil:restore-of': 'orders-db-2', 'vigil:delete-by': '2026-12-06T00:00:00Z' }),
    );
    later(24 * 60); // the next day: the first run never ended
    const next = await rdsRestoreTest.plan(settings, ctx());
    expect(next.change.leftovers).toEqual(['vigil-restore-orders-db-202612050400']);
    expect(next.summary).toMatch(/; delete vigil-restore-orders-db-202612050400, left behind$/);
    expect(await rdsRestoreTest.execute(settings, next, ctx())).toMatch(/; deleted vigil-restore-orders-db-202612050400, left behind$/);
    expect(rds.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input.DBInstanceIdentifier)).toEqual(['vigil-restore-orders-db-202612050400']);
  });

  it("names a copy within RDS's 63 characters, a cluster's instance included, whatever the source's length", () => {
    const longest = `${scratchPrefix('a'.repeat(63))}202612050400-1`;
    expect(longest.length).toBeLessThanOrEqual(63);
    expect(longest).toMatch(/^vigil-restore-a+-202612050400-1$/);
  });

  it('makes a copy reachable as its source is, and no more: public only when the source is', async () => {
    named('orders-db')!.PubliclyAccessible = true;
    await rdsRestoreTest.execute(settings, await rdsRestoreTest.plan(settings, ctx()), ctx());
    expect(rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)[0]!.args[0].input).toMatchObject({ PubliclyAccessible: true });
  });

  it('refuses a source with no snapshot it may restore', async () => {
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' }).resolves({ DBSnapshots: [] });
    await expect(rdsRestoreTest.plan(settings, ctx())).rejects.toThrow('orders-db has no available snapshot to restore: are automated backups on?');
  });

  it('reads back a restore whose answer was lost by the name it planned', async () => {
    const plan = await rdsRestoreTest.plan(settings, ctx());
    expect(await rdsRestoreTest.reconcile(settings, plan, ctx())).toEqual({ applied: 'no', detail: 'no instance vigil-restore-orders-db-202612050400' });
    await rdsRestoreTest.execute(settings, plan, ctx());
    expect(await rdsRestoreTest.reconcile(settings, plan, ctx())).toEqual({ applied: 'yes', detail: 'vigil-restore-orders-db-202612050400 is creating' });
  });

  it('says how a test ended when the attempt that ran it died before saving it: the copy carries its result', async () => {
    const plan = await rdsRestoreTest.plan(settings, ctx());
    await rdsRestoreTest.execute(settings, plan, ctx());
    setStatus(plan.change.scratch as string, 'available');
    rds.on(DeleteDBInstanceCommand).rejectsOnce(new Error('socket hang up'));
    await expect(rdsRestoreTest.follow!(settings, plan, ctx())).rejects.toThrow('socket hang up');
    rds.on(DeleteDBInstanceCommand).callsFake(() => (setStatus(plan.change.scratch as string, 'deleting'), {}));
    const again = await rdsRestoreTest.follow!(settings, plan, ctx());
    expect(again).toMatchObject({ done: true, ok: true });
    expect((again as { result: string }).result).toContain('orders-db-integrity passed ok after 0 min (read back); copy deleted');
    expect(checked).toHaveLength(1);
  });
});

describe('rds-restore-test of an Aurora cluster', () => {
  const aurora = {
    source: 'orders-aurora',
    scope: 'cluster',
    check: 'orders-db-integrity',
    instanceClass: 'db.r6g.large',
    costCeiling: { usdPerHour: 0.3, maxUsd: 2 },
  };
  const clusterSettings = rdsRestoreTest.settings.parse(aurora);

  it('restores the cluster with one instance, tests it on the cluster endpoint once both are up, and deletes the instance and the cluster', async () => {
    const plan = await rdsRestoreTest.plan(clusterSettings, ctx());
    expect(plan.summary).toMatch(
      /^restore snapshot rds:orders-aurora-2026-12-05-03-10 \(2026-12-05T03:10\) of orders-aurora to vigil-restore-orders-aurora-202612050400 \(db.r6g.large\)/,
    );
    await rdsRestoreTest.execute(clusterSettings, plan, ctx());
    const scratch = plan.change.scratch as string;
    expect(rds.commandCalls(RestoreDBClusterFromSnapshotCommand)[0]!.args[0].input).toMatchObject({
      DBClusterIdentifier: scratch,
      SnapshotIdentifier: 'rds:orders-aurora-2026-12-05-03-10',
      Engine: 'aurora-postgresql',
      DBSubnetGroupName: 'private-db',
      VpcSecurityGroupIds: ['sg-0db'],
    });
    expect(rds.commandCalls(CreateDBInstanceCommand)[0]!.args[0].input).toMatchObject({
      DBInstanceIdentifier: `${scratch}-1`,
      DBClusterIdentifier: scratch,
      DBInstanceClass: 'db.r6g.large',
    });
    expect(await rdsRestoreTest.follow!(clusterSettings, plan, ctx())).toMatchObject({
      done: false,
      detail: `${scratch} is creating, 0 min after the restore began`,
    });
    setClusterStatus(scratch, 'available');
    later(10);
    expect(await rdsRestoreTest.follow!(clusterSettings, plan, ctx())).toMatchObject({
      done: false,
      detail: `${scratch} is available, its instance creating, 10 min after the restore began`,
    });
    setStatus(`${scratch}-1`, 'available');
    later(10);
    const end = await rdsRestoreTest.follow!(clusterSettings, plan, ctx());
    expect(end).toMatchObject({ done: true, ok: true });
    expect(checked).toEqual([{ id: 'orders-db-integrity', host: 'copy.abc.eu-west-1.rds.amazonaws.com', port: 5432 }]);
    // Its instance first: a cluster with an instance still in it cannot be deleted.
    expect(named(`${scratch}-1`)!.DBInstanceStatus).toBe('deleting');
    expect(cluster(scratch)!.Status).toBe('deleting');
    expect(undeclaredCalls(rdsRestoreTest, aurora, [rds])).toEqual([]);
  });
});

describe('rds-restore-test of an Aurora cluster, half made', () => {
  const aurora = { source: 'orders-aurora', scope: 'cluster', check: 'orders-db-integrity', costCeiling: { usdPerHour: 0.3, maxUsd: 2 } };
  const clusterSettings = rdsRestoreTest.settings.parse(aurora);

  it('adds the instance a lost answer kept from the cluster, on its next look', async () => {
    const plan = await rdsRestoreTest.plan(clusterSettings, ctx());
    rds.on(CreateDBInstanceCommand).rejectsOnce(new Error('socket hang up'));
    await expect(rdsRestoreTest.execute(clusterSettings, plan, ctx())).rejects.toThrow('socket hang up');
    const scratch = plan.change.scratch as string;
    // The cluster could not be deleted again either (the same lost connection): read back, it is there.
    cluster(scratch)!.Status = 'available';
    rds.on(CreateDBInstanceCommand).callsFake((req) => {
      state.instances.push({ ...copy(req.DBInstanceIdentifier, 'creating', {}), DBClusterIdentifier: req.DBClusterIdentifier });
      return {};
    });
    expect(await rdsRestoreTest.reconcile(clusterSettings, plan, ctx())).toMatchObject({ applied: 'yes' });
    expect(await rdsRestoreTest.follow!(clusterSettings, plan, ctx())).toMatchObject({ done: false, detail: `${scratch} had no instance; one is being added` });
    expect(named(`${scratch}-1`)).toMatchObject({ DBClusterIdentifier: scratch });
  });

  it('counts a copy being deleted, untested, as a failed test, and a restore undone as not applied', async () => {
    const plan = await rdsRestoreTest.plan(clusterSettings, ctx());
    await rdsRestoreTest.execute(clusterSettings, plan, ctx());
    const scratch = plan.change.scratch as string;
    setClusterStatus(scratch, 'deleting');
    expect(await rdsRestoreTest.reconcile(clusterSettings, plan, ctx())).toEqual({ applied: 'no', detail: `${scratch} was made and is being deleted again` });
    expect(await rdsRestoreTest.follow!(clusterSettings, plan, ctx())).toMatchObject({
      done: true,
      ok: false,
      result: expect.stringContaining(`${scratch} is being deleted after 0 min, untested`),
    });
  });
});

describe('an rds-restore-test in the config', () => {
  const config = (check: string) => ({
    checks: [
      { id: 'orders-db-integrity', kind: 'pg', target: 'orders-db.internal:5432/orders', password: { secret: 'orders-db-vigil' } },
      { id: 'api-health', kind: 'http', target: 'https://api.example.com/health' },
    ],
    remediations: [{ id: 'orders-db-restore-test', kind: 'rds-restore-test', ...input, check }],
  });

  it('names a pg check of the config, or is refused at load, naming the field', () => {
    expect(() => parseConfig(config('orders-db-integrity'))).not.toThrow();
    expect(() => parseConfig(config('orders-db-integrty'))).toThrow('remediations[0].check: no check has id "orders-db-integrty"');
    expect(() => parseConfig(config('api-health'))).toThrow('remediations[0].check: check "api-health" is http; name a check of kind pg');
  });
});
