import type pg from 'pg';
import type { Observation } from '../findings.js';
import { gradeLower, gradeUpper, type Limits } from '../thresholds.js';
import { maskSql } from './mask-sql.js';
import { requirePg } from './pg-privileges.js';
import { SetupError } from '../errors.js';

export interface PgLimits {
  latencyMs: Limits;
  connectionsPercent: Limits;
  cacheHitPercent: Limits;
  lagSeconds: Limits;
  /** Sessions idle in a transaction, or queries running, longer than this are reported. */
  olderThanMinutes: number;
  /** A session waiting on a lock longer than this is a blocking chain worth reporting. */
  blockedSeconds: number;
  /** Statements slower than this on average, from pg_stat_statements. */
  slowStatementMs: number;
  /** hygiene: a table is bloated past this share of dead rows, counting only tables with at least `deadRowsMin`. */
  deadPercent: number;
  deadRowsMin: number;
}

type Measure = (db: pg.Client, limits: PgLimits) => Promise<Observation>;

/** A session as the engineer would list it from pg_stat_activity. */
const SESSION_COLUMNS = `pid, usename AS user, application_name AS application, datname AS database, state,
  wait_event_type || ':' || wait_event AS wait, query`;
const mine = 'pid <> pg_backend_pid()';

function sessions(rows: Record<string, unknown>[], ageColumn: string): Record<string, unknown>[] {
  return rows.map((r) => ({ ...r, [ageColumn]: Math.round(Number(r[ageColumn])), query: maskSql(r.query as string) }));
}

export const pgMeasures: Record<string, Measure> = {
  async connectivity(db, limits) {
    const started = performance.now();
    await db.query('SELECT 1');
    const latencyMs = Math.round(performance.now() - started);
    const status = gradeUpper(latencyMs, limits.latencyMs);
    return { status, summary: `SELECT 1 in ${latencyMs} ms`, observed: { latencyMs } };
  },

  async connections(db, limits): Promise<Observation> {
    await requirePg(db, 'connections', 'read-all-stats');
    const { rows } = await db.query(`SELECT count(*)::int AS used, current_setting('max_connections')::int AS max,
      coalesce(state, 'unknown') AS state, usename AS user, application_name AS application
      FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY GROUPING SETS ((), (coalesce(state, 'unknown')), (usename), (application_name))`);
    const total = rows.find((r) => r.state === null && r.user === null && r.application === null) ?? { used: 0, max: 1 };
    // Grouping sets leave the other columns null; pick each breakdown out by which column is set.
    const breakdown = (key: string) =>
      Object.fromEntries(
        rows
          .filter((r) => r[key] !== null && ['state', 'user', 'application'].every((k) => k === key || r[k] === null))
          .sort((a, b) => b.used - a.used)
          .slice(0, 10)
          .map((r) => [r[key] || '(none)', r.used]),
      );
    const percent = Math.round((1000 * total.used) / total.max) / 10;
    const status = gradeUpper(percent, limits.connectionsPercent);
    return {
      status,
      summary: `${total.used} of ${total.max} connections in use (${percent}%)`,
      observed: { connections: total.used, maxConnections: total.max, connectionsPercent: percent },
      evidence: { byState: breakdown('state'), byUser: breakdown('user'), byApplication: breakdown('application') },
    };
  },

  async 'idle-in-transaction'(db, limits): Promise<Observation> {
    await requirePg(db, 'idle-in-transaction', 'read-all-stats');
    const { rows } = await db.query(
      `SELECT ${SESSION_COLUMNS}, extract(epoch FROM now() - state_change) AS idle_seconds FROM pg_stat_activity
       WHERE state LIKE 'idle in transaction%' AND now() - state_change > $1::float8 * interval '1 minute' AND ${mine} ORDER BY state_change`,
      [limits.olderThanMinutes],
    );
    if (!rows.length) return { status: 'ok', summary: `no session idle in a transaction for over ${limits.olderThanMinutes} min`, observed: { sessions: 0 } };
    const oldest = Math.round(Number(rows[0].idle_seconds));
    return {
      status: 'fail',
      summary: `${rows.length} session${rows.length > 1 ? 's' : ''} idle in a transaction for over ${limits.olderThanMinutes} min (oldest ${oldest} s, pid ${rows[0].pid}, ${rows[0].user}/${rows[0].application || '(none)'})`,
      observed: { sessions: rows.length, oldestSeconds: oldest },
      evidence: { sessions: sessions(rows, 'idle_seconds') },
    };
  },

  async 'long-queries'(db, limits): Promise<Observation> {
    await requirePg(db, 'long-queries', 'read-all-stats');
    const { rows } = await db.query(
      `SELECT ${SESSION_COLUMNS}, extract(epoch FROM now() - query_start) AS running_seconds FROM pg_stat_activity
       WHERE state = 'active' AND backend_type = 'client backend' AND now() - query_start > $1::float8 * interval '1 minute' AND ${mine} ORDER BY query_start`,
      [limits.olderThanMinutes],
    );
    if (!rows.length) return { status: 'ok', summary: `no query running for over ${limits.olderThanMinutes} min`, observed: { queries: 0 } };
    const longest = Math.round(Number(rows[0].running_seconds));
    return {
      status: 'fail',
      summary: `${rows.length} quer${rows.length > 1 ? 'ies' : 'y'} running for over ${limits.olderThanMinutes} min (longest ${longest} s, pid ${rows[0].pid})`,
      observed: { queries: rows.length, longestSeconds: longest },
      evidence: { queries: sessions(rows, 'running_seconds') },
    };
  },

  async blocking(db, limits): Promise<Observation> {
    await requirePg(db, 'blocking', 'read-all-stats');
    const { rows } = await db.query(
      `SELECT ${SESSION_COLUMNS}, pg_blocking_pids(pid) AS blocked_by, extract(epoch FROM now() - coalesce(state_change, query_start)) AS waiting_seconds
       FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0 AND ${mine}`,
    );
    const waiting = rows.filter((r) => Number(r.waiting_seconds) >= limits.blockedSeconds);
    if (!waiting.length)
      return { status: 'ok', summary: `no session waiting on a lock for ${limits.blockedSeconds} s or more`, observed: { blocked: rows.length } };
    const blocked = new Set(rows.map((r) => r.pid as number));
    const roots = [...new Set(rows.flatMap((r) => r.blocked_by as number[]))].filter((pid) => !blocked.has(pid));
    const { rows: rootRows } = await db.query(
      `SELECT ${SESSION_COLUMNS}, extract(epoch FROM now() - xact_start) AS transaction_seconds FROM pg_stat_activity WHERE pid = ANY($1)`,
      [roots],
    );
    const longest = Math.round(Math.max(...waiting.map((r) => Number(r.waiting_seconds))));
    return {
      status: 'fail',
      summary: `${rows.length} session${rows.length > 1 ? 's' : ''} blocked, longest ${longest} s; root blocker${roots.length > 1 ? 's' : ''} pid ${roots.join(', ')}`,
      observed: { blocked: rows.length, longestWaitSeconds: longest, rootBlockers: roots.length },
      evidence: { rootBlockers: sessions(rootRows, 'transaction_seconds'), blocked: sessions(rows, 'waiting_seconds') },
    };
  },

  async 'cache-hit'(db, limits): Promise<Observation> {
    const { rows } = await db.query(`SELECT sum(blks_hit)::float8 AS hit, sum(blks_read)::float8 AS read FROM pg_stat_database`);
    const { hit, read } = rows[0] as { hit: number; read: number };
    if (hit + read === 0) return { status: 'ok', summary: 'no blocks read yet', observed: {} };
    const percent = Math.round((1000 * hit) / (hit + read)) / 10;
    return { status: gradeLower(percent, limits.cacheHitPercent), summary: `buffer cache hit ratio ${percent}%`, observed: { cacheHitPercent: percent } };
  },

  async replication(db, limits): Promise<Observation> {
    await requirePg(db, 'replication', 'read-all-stats');
    const {
      rows: [role],
    } = await db.query(`SELECT pg_is_in_recovery() AS replica, extract(epoch FROM now() - pg_last_xact_replay_timestamp()) AS replay_seconds`);
    if (role.replica) {
      const lag = role.replay_seconds === null ? undefined : Math.round(Number(role.replay_seconds));
      if (lag === undefined) return { status: 'warn', summary: 'replica has replayed nothing yet', observed: {} };
      return { status: gradeUpper(lag, limits.lagSeconds), summary: `replica ${lag} s behind its primary`, observed: { lagSeconds: lag } };
    }
    const { rows } = await db.query(`SELECT application_name AS replica, client_addr::text AS address, state,
      coalesce(extract(epoch FROM replay_lag), 0) AS lag_seconds, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 AS lag_bytes FROM pg_stat_replication`);
    if (!rows.length) return { status: 'ok', summary: 'primary with no replicas connected', observed: { replicas: 0 } };
    const lag = Math.round(Math.max(...rows.map((r) => Number(r.lag_seconds))));
    const bytes = Math.max(...rows.map((r) => Number(r.lag_bytes ?? 0)));
    return {
      status: gradeUpper(lag, limits.lagSeconds),
      summary: `${rows.length} replica${rows.length > 1 ? 's' : ''}, replay lag up to ${lag} s (${bytes} bytes)`,
      observed: { replicas: rows.length, lagSeconds: lag, lagBytes: bytes },
      evidence: { replicas: rows },
    };
  },

  async 'slow-statements'(db, limits): Promise<Observation> {
    await requirePg(db, 'slow-statements', 'read-all-stats');
    const { rows: ext } = await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`);
    if (!ext.length)
      throw new SetupError('pg_stat_statements is not installed: add it to shared_preload_libraries and run CREATE EXTENSION pg_stat_statements');
    const { rows } = await db.query(
      `SELECT queryid::text, calls::int, round(mean_exec_time::numeric, 1)::float8 AS mean_ms, round(total_exec_time::numeric)::float8 AS total_ms, query
       FROM pg_stat_statements WHERE mean_exec_time > $1 ORDER BY mean_exec_time DESC LIMIT 10`,
      [limits.slowStatementMs],
    );
    if (!rows.length) return { status: 'ok', summary: `no statement averages over ${limits.slowStatementMs} ms`, observed: { slowStatements: 0 } };
    return {
      status: 'warn',
      summary: `${rows.length} statement${rows.length > 1 ? 's' : ''} average over ${limits.slowStatementMs} ms (slowest ${rows[0].mean_ms} ms over ${rows[0].calls} calls)`,
      observed: { slowStatements: rows.length, slowestMeanMs: rows[0].mean_ms },
      evidence: { statements: rows.map((r) => ({ ...r, query: maskSql(r.query) })) },
    };
  },

  /** The weekly hygiene report: nothing is on fire, but these cost disk, memory and vacuum time. */
  async hygiene(db, limits): Promise<Observation> {
    const { rows: unused } =
      await db.query(`SELECT s.schemaname AS schema, s.relname AS table, s.indexrelname AS index, pg_relation_size(s.indexrelid)::float8 AS bytes
      FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
      WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary ORDER BY bytes DESC LIMIT 10`);
    const { rows: largest } =
      await db.query(`SELECT schemaname AS schema, relname AS table, pg_total_relation_size(relid)::float8 AS bytes, n_live_tup::float8 AS live_rows
      FROM pg_stat_user_tables ORDER BY bytes DESC LIMIT 5`);
    const { rows: bloated } = await db.query(
      `SELECT schemaname AS schema, relname AS table, n_dead_tup::float8 AS dead_rows, n_live_tup::float8 AS live_rows,
         round(100 * n_dead_tup::numeric / greatest(n_live_tup + n_dead_tup, 1), 1)::float8 AS dead_percent, last_autovacuum::text AS last_autovacuum
       FROM pg_stat_user_tables WHERE n_dead_tup >= $1 AND n_dead_tup::float8 / greatest(n_live_tup + n_dead_tup, 1) >= $2 / 100.0 ORDER BY n_dead_tup DESC LIMIT 10`,
      [limits.deadRowsMin, limits.deadPercent],
    );
    const summary = [
      `${unused.length} unused index${unused.length === 1 ? '' : 'es'}`,
      `${bloated.length} table${bloated.length === 1 ? '' : 's'} over ${limits.deadPercent}% dead rows`,
      largest[0] ? `largest ${largest[0].table} (${Math.round(largest[0].bytes / 1048576)} MB)` : 'no tables',
    ].join('; ');
    return {
      status: bloated.length ? 'warn' : 'ok',
      summary,
      observed: { unusedIndexes: unused.length, bloatedTables: bloated.length },
      evidence: { unusedIndexes: unused, largestTables: largest, deadRows: bloated },
    };
  },
};

export const PG_MEASURES = Object.keys(pgMeasures) as [string, ...string[]];
