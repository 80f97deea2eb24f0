import pg from 'pg';
import { createOnAlarmHandler, type CheckRunsResult } from '../../functions/on-alarm/handler.js';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import type { Io } from '../terminal/io.js';
import type { Clock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import { postgresBin, startLocalPostgres } from '../local/postgres.js';
import type { LocalRuntime } from '../local/runtime.js';
import { silentLog } from '../../shared/log.js';

export type PostgresSceneResult = { skipped: string } | { deviations: string[] };

/**
 * A leaked transaction on a real local PostgreSQL, fixed unattended: the check finds it, its incident
 * (from the table's stream) starts the runbook, which terminates exactly that session and verifies
 * with the same check; the next round resolves the incident. Nobody sends a payload.
 */
export async function runPostgresScene(runtime: LocalRuntime, clock: Clock & { advance(): void }, io: Io): Promise<PostgresSceneResult> {
  if (!postgresBin()) {
    io.out('\n── database · skipped: PostgreSQL is not installed here (initdb, pg_ctl)');
    return { skipped: 'PostgreSQL not installed' };
  }
  const db = await startLocalPostgres();
  const leaked = new pg.Client({
    host: db.host,
    port: db.port,
    database: 'postgres',
    user: 'billing',
    password: 'billing-local',
    application_name: 'billing-worker',
  });
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
        checks: [
          { id: 'billing-db-idle-tx', kind: 'pg', ...connection, measure: 'idle-in-transaction', thresholds: { olderThanMinutes: 0.01 }, severity: 'P2' },
        ],
        remediations: [
          { id: 'billing-db-kill-idle-tx', kind: 'pg-terminate-idle', ...connection, users: ['billing'], olderThanMinutes: 0.01, maxSessions: 3, mode: 'auto' },
        ],
        runbooks: [
          {
            id: 'billing-db-leaked-transaction',
            match: { checks: { ids: ['billing-db-idle-tx'] } },
            steps: [{ act: 'billing-db-kill-idle-tx' }, { verify: { settleSeconds: 0, attempts: 3, intervalSeconds: 1 } }],
          },
        ],
      },
      'demo database config',
    );
    const deps = { config, store: runtime.store, clock, log: silentLog };
    const runChecks = createRunChecksHandler(deps);
    // The on-alarm function reads the table's stream, as its second event source does deployed.
    const onAlarm = createOnAlarmHandler({
      ...deps,
      aws: { ecs: undefined as never, metrics: { getMetricData: async () => new Map() } },
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      deadline: () => new Date(clock.now().getTime() + 600_000),
      remediateFunction: 'vigil-local-remediate',
      failLoud: undefined,
    });
    const runs: CheckRunsResult['runs'] = [];
    runtime.onStream(async (event) => {
      const result = (await onAlarm(event)) as CheckRunsResult;
      runs.push(...result.runs);
      return result;
    });

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

    const [run] = runs;
    for (const step of run?.steps ?? []) io.out(`   runbook ${run!.runbook} (${run!.check} ${run!.state}) · ${step.step}: ${step.outcome} · ${step.detail}`);
    const act = run?.steps.find((step) => step.step === 'act billing-db-kill-idle-tx');
    if (run?.verdict !== 'fixed' || !act?.detail.includes(`pid ${pid}`))
      deviations.push(`the incident's runbook: ${run ? `${run.verdict} (${run.steps.map((st) => `${st.step}: ${st.outcome}`).join('; ')})` : 'did not run'}`);
    // Every action reaches a person: the on-call was sent what Vigil did, naming the session.
    const told = (await runtime.store.getTimeline('billing-db-idle-tx/1')).some(
      (e) => e.kind === 'notified' && e.summary.includes('[ACTION TAKEN]') && e.summary.includes(`pid ${pid}`),
    );
    if (!told) deviations.push(`no [ACTION TAKEN] message named pid ${pid}`);
    const victimGone = await leaked.query('SELECT 1').then(
      () => false,
      () => true,
    );
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
