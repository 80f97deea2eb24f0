import type pg from 'pg';
import * as z from '../zod.js';
import type { Observation } from '../findings.js';
import { judgeQuery, queryJudgeShape, refineJudged, sampleOf, SAMPLE_ROWS } from './query-judge.js';

/**
 * A team's own question, as a runbook asks it of the database ("loans with a negative amount", "aggregates
 * with a gap in their event numbers"): one read-only statement, judged by how many rows it returns or by the
 * number it returns.
 */
export const pgQuerySchema = z.strictObject({
  ...queryJudgeShape,
  /** One SELECT (or WITH … SELECT, VALUES, TABLE). It runs in a read-only transaction; a statement that writes is refused here. */
  sql: z.string().check(z.minLength(1), z.maxLength(10_000)),
  /** How long the statement may run, in ms (its own `statement_timeout`). Default 5000. */
  timeoutMs: z._default(z.int().check(z.positive(), z.maximum(60_000)), 5_000),
});

export type PgQuery = z.output<typeof pgQuerySchema>;

/** Words of statements that change something: refused at load, whatever the role may do (quote a column so named). */
const WRITES = /\b(insert|update|delete|merge|truncate|copy|create|drop|alter|grant|revoke|call|vacuum|reindex|refresh)\b/i;
/** Functions that act on the server rather than read it; a read-only transaction lets most of them run. */
const ACTING_FUNCTIONS =
  /\b(pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_switch_wal|pg_promote|pg_create_restore_point|set_config|nextval|setval|pg_advisory_\w*lock\w*|lo_\w+|dblink\w*|pg_file_write|pg_logical_emit_message)\s*\(/i;

/** Why `sql` is not one read-only statement Vigil will run, or undefined. Pure; names what to change. */
export function readOnlyProblem(sql: string): string | undefined {
  // Literals, quoted names and comments may hold any word: judge only the statement's own words.
  const words = sql
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, ' ')
    .replace(/'(?:[^']|'')*'/g, ' ')
    .replace(/"(?:[^"]|"")*"/g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .trim()
    .replace(/;\s*$/, '');
  if (words.includes(';')) return 'one statement only: remove the ";" between statements';
  if (!/^(select|with|values|table)\b/i.test(words)) return 'a query is one SELECT (or WITH … SELECT, VALUES, TABLE): it only reads';
  if (/\bfor\s+(no\s+key\s+)?update\b|\bfor\s+(key\s+)?share\b/i.test(words)) return 'no FOR UPDATE or FOR SHARE: a check takes no row locks';
  const write = WRITES.exec(words);
  if (write) return `"${write[1]!.toUpperCase()}" changes the database: a check only reads (a runbook's remediation acts)`;
  const acting = ACTING_FUNCTIONS.exec(words);
  if (acting) return `${acting[1]}() acts on the server: a check only reads`;
  return undefined;
}

/** Config-time problems of a query: a statement that writes, a value without limits. */
export function refinePgQuery(query: PgQuery, ctx: z.core.$RefinementCtx, path: (string | number)[]): void {
  const problem = readOnlyProblem(query.sql);
  if (problem) ctx.addIssue({ code: 'custom', path: [...path, 'sql'], message: problem });
  refineJudged(query, ctx, path);
}

/**
 * Runs the query in a read-only transaction under its own statement timeout, and judges it. The rows come back
 * counted and cut to a few (a window over the statement), so a query that matches millions reads five.
 */
export async function runPgQuery(db: pg.Client, query: PgQuery): Promise<Observation> {
  await db.query('BEGIN TRANSACTION READ ONLY');
  try {
    await db.query(`SET LOCAL statement_timeout = ${query.timeoutMs}`);
    // A closing ";" (and what follows it: a comment) ends the statement, not the subquery it becomes.
    const statement = query.sql.replace(/;(\s|--[^\n]*)*$/, '');
    const { rows } = await db.query(`SELECT q.*, count(*) OVER () AS "__vigil_rows" FROM (${statement}\n) AS q LIMIT ${SAMPLE_ROWS}`);
    const count = rows.length ? Number(rows[0].__vigil_rows) : 0;
    const sample = rows.map(({ __vigil_rows: _, ...row }) => sampleOf(row));
    return judgeQuery(query, count, sample);
  } catch (err) {
    return unseen(query, err);
  } finally {
    await db.query('ROLLBACK').catch(() => undefined);
  }
}

/** A query that could not see what it asks: never a pass, and never the target's fault. */
function unseen(query: PgQuery, err: unknown): Observation {
  const { code, message } = err as { code?: string; message?: string };
  const why: Record<string, string> = {
    '42501': `the check's user may not read it (${message}): GRANT SELECT on what it reads to the check's user`,
    '25006': `it tried to write (${message}): a check only reads; move the change to a remediation`,
    '57014': `it ran past its ${query.timeoutMs} ms (timeoutMs): make it cheaper, or give it longer`,
  };
  const reason = code ? why[code] : undefined;
  if (!reason) throw err;
  return { status: 'error', summary: `${query.name}: could not tell: ${reason}`, observed: {} };
}
