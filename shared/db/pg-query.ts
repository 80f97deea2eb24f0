import type pg from 'pg';
import * as z from '../zod.js';
import type { Observation, Status } from '../findings.js';

/** Rows of a query's result kept as evidence, and the characters kept of each value. */
const SAMPLE_ROWS = 5;
const VALUE_CHARS = 200;

/**
 * A team's own question, as a runbook asks it of the database ("loans with a negative amount", "aggregates
 * with a gap in their event numbers"): one read-only statement, judged by how many rows it returns or by the
 * number it returns.
 */
export const pgQuerySchema = z.strictObject({
  /** What it looks for, in the finding's words, e.g. "aggregates missing an event". */
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  /** One SELECT (or WITH … SELECT, VALUES, TABLE). It runs in a read-only transaction; a statement that writes is refused here. */
  sql: z.string().check(z.minLength(1), z.maxLength(10_000)),
  /** `rows`: how many rows it returns (default); `value`: the number in the first column of its first row. */
  judge: z._default(z.enum(['rows', 'value']), 'rows'),
  /** Warns when what is judged is above this. */
  warnAbove: z.optional(z.number()),
  /** Fails when it is above this. With no limit given, `rows` fails above 0 (any row is a problem); a `value` needs one. */
  failAbove: z.optional(z.number()),
  /** Warns when it is below this. */
  warnBelow: z.optional(z.number()),
  /** Fails when it is below this. */
  failBelow: z.optional(z.number()),
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
  const limits = [query.warnAbove, query.failAbove, query.warnBelow, query.failBelow].filter((l) => l !== undefined);
  if (query.judge === 'value' && !limits.length)
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'failAbove'],
      message: 'a value is judged against limits: give failAbove, failBelow, warnAbove or warnBelow',
    });
}

/**
 * Runs the query in a read-only transaction under its own statement timeout, and judges it. The rows come back
 * counted and cut to a few (a window over the statement), so a query that matches millions reads five.
 */
export async function runPgQuery(db: pg.Client, query: PgQuery): Promise<Observation> {
  await db.query('BEGIN TRANSACTION READ ONLY');
  try {
    await db.query(`SET LOCAL statement_timeout = ${query.timeoutMs}`);
    const { rows } = await db.query(`SELECT q.*, count(*) OVER () AS "__vigil_rows" FROM (${query.sql}\n) AS q LIMIT ${SAMPLE_ROWS}`);
    const count = rows.length ? Number(rows[0].__vigil_rows) : 0;
    const sample = rows.map(({ __vigil_rows: _, ...row }) => cut(row));
    return judge(query, count, sample);
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

function judge(query: PgQuery, count: number, sample: Record<string, unknown>[]): Observation {
  const evidence = { rows: sample, ...(count > sample.length ? { moreRows: count - sample.length } : {}) };
  if (query.judge === 'rows') {
    const limits = { ...query, ...(defined(query) ? {} : { failAbove: 0 }) };
    const status = grade(count, limits);
    return { status, summary: `${query.name}: ${count} row${count === 1 ? '' : 's'}${limitsText(limits, status)}`, observed: { rows: count }, evidence };
  }
  const first = sample[0] ? Object.values(sample[0])[0] : undefined;
  const value = first === null || first === undefined ? NaN : Number(first);
  if (!Number.isFinite(value))
    return {
      status: 'error',
      summary: `${query.name}: expected a number in the first column of the first row, got ${count ? JSON.stringify(first) : 'no row'}`,
      observed: {},
      evidence,
    };
  const status = grade(value, query);
  return { status, summary: `${query.name}: ${value}${limitsText(query, status)}`, observed: { value }, evidence };
}

type QueryLimits = Pick<PgQuery, 'warnAbove' | 'failAbove' | 'warnBelow' | 'failBelow'>;

const defined = (l: QueryLimits) => [l.warnAbove, l.failAbove, l.warnBelow, l.failBelow].some((x) => x !== undefined);

function grade(value: number, l: QueryLimits): Status {
  if ((l.failAbove !== undefined && value > l.failAbove) || (l.failBelow !== undefined && value < l.failBelow)) return 'fail';
  if ((l.warnAbove !== undefined && value > l.warnAbove) || (l.warnBelow !== undefined && value < l.warnBelow)) return 'warn';
  return 'ok';
}

/** The limit a value crossed, in the summary's words. */
function limitsText(l: QueryLimits, status: Status): string {
  if (status === 'ok') return '';
  const [above, below] = status === 'fail' ? [l.failAbove, l.failBelow] : [l.warnAbove, l.warnBelow];
  return above !== undefined && below !== undefined ? ` (outside ${below}–${above})` : above !== undefined ? ` (over ${above})` : ` (under ${below})`;
}

/** A row as evidence: long values cut, binary shown by its length. */
function cut(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => {
      if (Buffer.isBuffer(v)) return [k, `(${v.length} bytes)`];
      const text = v instanceof Date ? v.toISOString() : typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
      return [k, typeof text === 'string' && text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text];
    }),
  );
}
