import * as z from '../zod.js';
import { pgMeasures, PG_MEASURES } from '../db/pg-measures.js';
import { pgConnectionShape, withPg } from '../db/pg-session.js';
import { pgQuerySchema, refinePgQuery, runPgQuery } from '../db/pg-query.js';
import { databaseFailure } from './database-failure.js';
import { lowerLimits, upperLimits } from '../thresholds.js';
import { defineProbe } from './probe.js';
import { refineQueryMeasure } from '../db/query-judge.js';

const settings = z.strictObject({
  ...pgConnectionShape,
  /** What to look at: one runbook question per check, or `query`, your own. Default: connectivity. */
  measure: z._default(z.enum([...PG_MEASURES, 'query']), 'connectivity'),
  /** measure `query`: your own read-only statement and its limits. */
  query: z.optional(pgQuerySchema),
  thresholds: z.prefault(
    z.strictObject({
      /** connectivity: SELECT 1. Default: warn 100 ms, fail 1000 ms. */
      latencyMs: upperLimits(100, 1000),
      /** connections: used / max_connections. Default: warn 80%, fail 90%. */
      connectionsPercent: upperLimits(80, 90),
      /** cache-hit: buffer cache hit ratio. Default: warn below 90%, fail below 80%. */
      cacheHitPercent: lowerLimits(90, 80),
      /** replication: replay lag. Default: warn 30 s, fail 300 s. */
      lagSeconds: upperLimits(30, 300),
      /** idle-in-transaction, long-queries: report sessions older than this. Default: 5. */
      olderThanMinutes: z._default(z.number().check(z.positive()), 5),
      /** blocking: report lock waits this long. Default: 30. */
      blockedSeconds: z._default(z.number().check(z.positive()), 30),
      /** slow-statements: mean execution time. Default: 1000 ms. */
      slowStatementMs: z._default(z.number().check(z.positive()), 1000),
      /** hygiene: dead rows as a share of a table. Default: warn at 20%, for tables with 10,000 dead rows or more. */
      deadPercent: z._default(z.number().check(z.minimum(0), z.maximum(100)), 20),
      deadRowsMin: z._default(z.int().check(z.minimum(0)), 10_000),
    }),
    {},
  ),
});

export const pgProbe = defineProbe({
  kind: 'pg',
  example: { target: 'orders-db.internal:5432/orders', password: { secret: 'orders-db-vigil' }, measure: 'idle-in-transaction' },
  refine(check, ctx) {
    refineQueryMeasure(check, ctx, 'runs your own statement: give query: { name, sql }');
    if (check.query) refinePgQuery(check.query, ctx, ['query']);
  },
  privileges:
    '`connectivity`, `cache-hit`, `hygiene`: a login to the database. `connections`, `idle-in-transaction`, `long-queries`, `blocking`, `replication`, `slow-statements`: `pg_read_all_stats` (`GRANT pg_monitor TO vigil`; the RDS master user has it), since PostgreSQL shows a role without it only its own sessions. `query`: `SELECT` on what the statement reads. `slow-statements` also needs the `pg_stat_statements` extension (`shared_preload_libraries`, then `CREATE EXTENSION pg_stat_statements`).',
  description:
    'PostgreSQL: connectivity, connection saturation, idle transactions, long queries, lock chains, cache hits, replication lag, slow statements, weekly hygiene, and your own read-only queries.',
  settings,
  uses: { driver: 'pg' },
  describeTarget: (check) => check.target,
  // A password from Secrets Manager is redacted where it is used (shared/db/pg-session.ts).
  secrets: (check) => ('value' in check.password ? [check.password.value] : []),
  async run(check, { signal, aws }) {
    try {
      // The check's own timeout aborts `signal`, which closes the connection; this only bounds a stuck server.
      return await withPg(check, { signal, aws, timeoutMs: 60_000 }, (db) =>
        check.measure === 'query' ? runPgQuery(db, check.query!) : pgMeasures[check.measure]!(db, check.thresholds),
      );
    } catch (err) {
      return databaseFailure(err, signal, check.measure, sqlState);
    }
  },
});

/** PostgreSQL's own reason: its message with the SQLSTATE, when the error came from the server. */
function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: string }).code;
  return code && /^[0-9A-Z]{5}$/.test(code) ? `${(err as Error).message} (SQLSTATE ${code})` : undefined;
}
