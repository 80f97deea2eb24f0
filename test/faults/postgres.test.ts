import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { startLocalDynamo, type LocalDynamo } from '../../app/local/dynamo.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { samples } from '../support/alarm.js';
import { T0 } from '../support/findings.js';
import { until, useCluster } from '../support/postgres.js';
import { PgProxy } from '../support/wire/pg-proxy.js';
import { deliverAlarm } from '../support/wire/vigil.js';
import { World } from '../support/wire/world.js';

// PostgreSQL's changes have no SDK under them: the fault is a proxy that lets the terminate through and loses its answer.
const cluster = useCluster({}, (admin) =>
  admin.client.query(
    "CREATE ROLE app LOGIN PASSWORD 'app-pw'; CREATE TABLE ledger (id int); CREATE INDEX ledger_id_idx ON ledger (id); INSERT INTO ledger SELECT generate_series(1, 1000); DELETE FROM ledger",
  ),
);
let local: LocalDynamo;
let proxy: PgProxy;
beforeAll(async () => {
  local = await startLocalDynamo();
  proxy = await PgProxy.start(cluster.db);
});
afterAll(async () => {
  await proxy.close();
  await local.close();
});

/** A config whose runbook answers the sample alarm with one automatic PostgreSQL remediation, through the proxy. */
function actingWith(remediation: { id: string; kind: string } & Record<string, unknown>) {
  return parseConfig({
    checks: [{ id: 'billing-db-port', kind: 'tcp', target: `127.0.0.1:${proxy.port}` }],
    remediations: [
      {
        target: `127.0.0.1:${proxy.port}/postgres`,
        user: cluster.db.user,
        password: { value: cluster.db.password },
        ssl: 'disable',
        mode: 'auto',
        ...remediation,
      },
    ],
    runbooks: [{ id: 'billing-db', match: { alarmNames: ['orders-api-5xx-rate'] }, severity: 'P2', steps: [{ act: remediation.id }, { escalate: 'x' }] }],
  });
}

describe('a PostgreSQL remediation whose answer is lost', () => {
  it('terminates the session once, and records it as done, read back from pg_stat_activity', async () => {
    const victim = await cluster.open({ application: 'billing-worker', user: 'app', password: 'app-pw' });
    await victim.client.query('BEGIN; SELECT 1');
    await until(
      async () =>
        (
          await cluster.admin.client.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'billing-worker' AND state = 'idle in transaction'",
          )
        ).rows[0].n === 1,
    );
    const config = actingWith({ id: 'billing-db-kill-idle-tx', kind: 'pg-terminate-idle', applications: ['billing-worker'], olderThanMinutes: 0.0001 });
    proxy.loseAnswerTo = /pg_terminate_backend/;
    const world = await World.create(local, T0);
    const out = await deliverAlarm(world, config, samples.metric);
    proxy.loseAnswerTo = undefined;

    expect(proxy.forwarded).toHaveLength(1);
    await until(async () => (await cluster.admin.client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [victim.pid])).rows[0].n === 0);
    const last = out.ends.at(-1)!;
    if (last.ended !== 'returned') throw new Error(`the alarm was not handled: ${JSON.stringify(out.ends)}`);
    expect((last.value as RunbookResult).steps[0]).toMatchObject({
      outcome: 'acted',
      detail: expect.stringMatching(/^the reply was lost \(Connection terminated unexpectedly\); reading the target shows it was applied: gone: pid \d+ /),
    });
    const { guard } = await new DynamoStateStore(local.doc, world.table).getGuard(`pg:127.0.0.1:${proxy.port}/postgres`);
    expect(guard?.actions.map((a) => a.outcome)).toEqual(['done']);
  });
});

/** The alarm answered with `remediation`, the answer to the statement `lost` cut after the server ran it: once, read back, recorded done. */
async function losingTheAnswerTo(lost: RegExp, remediation: Parameters<typeof actingWith>[0], readBack: RegExp) {
  proxy.loseAnswerTo = lost;
  proxy.forwarded.length = 0;
  const world = await World.create(local, T0);
  const out = await deliverAlarm(world, actingWith(remediation), samples.metric);
  proxy.loseAnswerTo = undefined;

  expect(proxy.forwarded).toHaveLength(1);
  const last = out.ends.at(-1)!;
  if (last.ended !== 'returned') throw new Error(`the alarm was not handled: ${JSON.stringify(out.ends)}`);
  const step = (last.value as RunbookResult).steps[0]!;
  expect(step.outcome).toBe('acted');
  expect(step.detail).toMatch(/^the reply was lost \(Connection terminated unexpectedly\); reading the target shows it was applied: /);
  expect(step.detail).toMatch(readBack);
  const { guard } = await new DynamoStateStore(local.doc, world.table).getGuard(`pg:127.0.0.1:${proxy.port}/postgres`);
  expect(guard?.actions.map((a) => a.outcome)).toEqual(['done']);
}

describe('maintenance whose answer is lost', () => {
  it('vacuums once, and records it as done, read back from pg_stat_user_tables', () =>
    losingTheAnswerTo(/VACUUM/, { id: 'billing-db-vacuum', kind: 'pg-vacuum-analyze', tables: ['public.ledger'] }, /public\.ledger vacuumed and analyzed/));

  it('rebuilds once, and records it as done, read back from the index’s file', () =>
    losingTheAnswerTo(/REINDEX/, { id: 'billing-db-reindex', kind: 'pg-reindex', indexes: ['public.ledger_id_idx'] }, /public\.ledger_id_idx rebuilt/));
});
