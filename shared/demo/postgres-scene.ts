import pg from 'pg';
import { createRemediateHandler } from '../../functions/remediate/handler.js';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import type { Io } from '../cli/io.js';
import type { Clock } from '../clock.js';
import { parseConfig } from '../config/load.js';
import { postgresBin, startLocalPostgres } from '../local/postgres.js';
import type { LocalRuntime } from '../local/runtime.js';
import { silentLog } from '../log.js';

export type PostgresSceneResult = { skipped: string } | { deviations: string[] };

/**
 * A leaked transaction on a real local PostgreSQL: the check finds it, an incident opens, the
 * remediation terminates exactly that session, verification passes, and the incident resolves.
 */
export async function runPostgresScene(runtime: LocalRuntime, clock: Clock & { advance(): void }, io: Io): Promise<PostgresSceneResult> {
  if (!postgresBin()) {
    io.out('\n── database · skipped: PostgreSQL is not installed here (initdb, pg_ctl)');
    return { skipped: 'PostgreSQL not installed' };
  }
  const db = await startLocalPostgres();
  const leaked = new pg.Client({ host: db.host, port: db.port, database: 'postgres', user: 'billing', password: 'billing-local', application_name: 'billing-worker' });
  leaked.on('error', () => undefined);
  try {
    const admin = new pg.Client({ host: db.host, port: db.port, database: 'postgres', user: db.user, password: db.password });
    await admin.connect();
    await admin.query("CREATE ROLE billing LOGIN PASSWORD 'billing-local'");
    await admin.end();
    await leaked.connect();
    await leaked.query('BEGIN; SELECT 1');
    const { rows } = await leaked.query('SELECT pg_backend_pid() AS pid');
    const pid = rows[0].pid as number;

    const connection = { target: `${db.host}:${db.port}/postgres`, user: db.user, password: { value: db.password }, ssl: 'disable' as const };
    // Real ages on a real server: the demo's limits are seconds, the guides' are 30 minutes.
    const config = parseConfig(
      {
        checks: [{ id: 'billing-db-idle-tx', kind: 'pg', ...connection, measure: 'idle-in-transaction', thresholds: { olderThanMinutes: 0.01 }, severity: 'P2' }],
        remediations: [{ id: 'billing-db-kill-idle-tx', kind: 'pg-terminate-idle', ...connection, users: ['billing'], olderThanMinutes: 0.01, maxSessions: 3, mode: 'auto' }],
        runbooks: [{ id: 'billing-db-idle-tx', match: { alarmNames: ['billing-db-idle-transactions'] }, steps: [{ act: 'billing-db-kill-idle-tx' }, { verify: { check: 'billing-db-idle-tx', settleSeconds: 0, attempts: 3, intervalSeconds: 1 } }] }],
      },
      'demo database config',
    );
    const deps = { config, store: runtime.store, clock, log: silentLog };
    const runChecks = createRunChecksHandler(deps);
    const remediate = createRemediateHandler({ ...deps, aws: { ecs: undefined as never, metrics: { getMetricData: async () => new Map() } }, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), deadline: () => new Date(clock.now().getTime() + 600_000), remediateFunction: 'vigil-local-remediate' });

    io.out(`\n── database · a local PostgreSQL ${db.port}; billing-worker (pid ${pid}) opened a transaction and went quiet`);
    await new Promise((r) => setTimeout(r, 1200));
    const deviations: string[] = [];
    const round = async (expect: string) => {
      clock.advance();
      const result = await runChecks({ checks: ['billing-db-idle-tx'] });
      if ('error' in result) throw new Error(result.error);
      const [f] = result.findings;
      const transitions = result.incidents?.transitions.map((t) => `${t.incidentId} ${t.kind}`) ?? [];
      io.out(`   check: ${f!.status} · ${f!.summary}${transitions.length ? ` · incident ${transitions.join(', ')}` : ''}`);
      if (f!.status !== expect) deviations.push(`billing-db-idle-tx was ${f!.status}, expected ${expect}`);
      return transitions;
    };
    await round('fail');
    const opened = await round('fail');
    if (!opened.includes('billing-db-idle-tx/1 opened')) deviations.push(`expected incident billing-db-idle-tx/1 to open, got [${opened.join(', ')}]`);

    const acted = (await remediate({ remediation: 'billing-db-kill-idle-tx', dryRun: false, approvedBy: 'on-call', reason: 'leaked transaction holding locks', incident: 'billing-db-idle-tx/1' })) as Record<string, unknown>;
    io.out(`   remediation billing-db-kill-idle-tx: ${acted.outcome} · ${acted.detail}${acted.verified ? ` · verified: ${acted.verified}` : ''}`);
    if (acted.outcome !== 'acted' || !String(acted.detail).includes(`pid ${pid}`) || !acted.verified) deviations.push(`remediation: ${acted.outcome} (${acted.detail ?? acted.error})`);
    const victimGone = await leaked.query('SELECT 1').then(() => false, () => true);
    io.out(`   billing-worker's own connection: ${victimGone ? 'terminated by the server' : 'STILL ALIVE'}`);
    if (!victimGone) deviations.push('the leaked session survived');

    await round('ok');
    const resolved = await round('ok');
    if (!resolved.includes('billing-db-idle-tx/1 resolved')) deviations.push(`expected the incident to resolve, got [${resolved.join(', ')}]`);
    return { deviations };
  } finally {
    await leaked.end().catch(() => undefined);
    await db.stop();
  }
}
