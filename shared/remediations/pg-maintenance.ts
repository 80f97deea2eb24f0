import type pg from 'pg';
import * as z from '../zod.js';
import type { PgConnection } from '../db/pg-session.js';
import { RemediationRefusedError } from '../errors.js';
import type { Reconciled, RemediationContext } from './remediation.js';
import { onDatabase } from './pg-sessions.js';

const MINUTE_MS = 60_000;

/** The whole job's time limit, in minutes, within the runbook function's 10. Default: 8. */
export const maxMinutesSetting = z._default(z.number().check(z.minimum(1), z.maximum(9)), 8);

/** What a maintenance job did to each object it was given. */
export interface Maintained {
  done: string[];
  /** `<object>: why`, for each one not done. */
  failed: string[];
}

/**
 * Runs one maintenance statement per object in turn (a VACUUM, a REINDEX), each under the time left of the
 * job's budget; a statement PostgreSQL only warned about and skipped counts as not done. A lost connection
 * is thrown: the server may have done the work, and only reading back can tell.
 */
async function maintainEach(
  db: pg.Client,
  objects: string[],
  budgetMs: number,
  statement: (object: string) => string,
  onFailure?: (object: string) => Promise<string | undefined>,
): Promise<Maintained> {
  const skipped: string[] = [];
  // PostgreSQL does not fail a VACUUM it may not run: it warns ("skipping …") and goes on.
  const onNotice = (n: { message?: string }) => void (n.message?.startsWith('skipping') && skipped.push(n.message));
  db.on('notice', onNotice);
  const started = Date.now();
  const result: Maintained = { done: [], failed: [] };
  try {
    for (const object of objects) {
      const left = budgetMs - (Date.now() - started);
      if (left < 1000) {
        result.failed.push(`${object}: not reached within ${Math.round(budgetMs / MINUTE_MS)} min`);
        continue;
      }
      const before = skipped.length;
      try {
        await db.query(`SET statement_timeout = ${Math.floor(left)}`);
        await db.query(statement(object));
        if (skipped.length > before) result.failed.push(`${object}: ${skipped.at(-1)}`);
        else result.done.push(object);
      } catch (err) {
        const e = err as { code?: string; message: string };
        // No SQLSTATE: the connection went, maybe after the server did the work.
        if (!e.code) throw err;
        const tidied = await onFailure?.(object);
        result.failed.push(`${object}: ${e.code === '57014' ? 'cancelled at the time limit' : e.message}${tidied ? ` (${tidied})` : ''}`);
      }
    }
  } finally {
    db.off('notice', onNotice);
  }
  return result;
}

/** `schema.name` as PostgreSQL quotes it. */
export const quoted = (db: pg.Client, object: string) =>
  object
    .split('.')
    .map((part) => db.escapeIdentifier(part))
    .join('.');

/** A config's name of a table or an index: `schema.name`, or `name` in public. */
export const pgObjectName = (what: string, example: string) =>
  z
    .string()
    .check(z.regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, `expected ${what}, "schema.name" or "name" (in public), e.g. "${example}"`));

export const qualified = (name: string) => (name.includes('.') ? name : `public.${name}`);

/** A maintenance job's words: what it does to each object, and what it calls one that did not get done. */
interface Job {
  /** `VACUUM (ANALYZE)`, `REINDEX INDEX CONCURRENTLY`: the statement before the object's name. */
  statement: string;
  /** `vacuumed and analyzed`, `rebuilt`. */
  did: string;
  /** What a run that did nothing says: `no table was vacuumed`. */
  none: string;
  /** Tidies after an object whose statement failed; says what it did. */
  onFailure?: (db: pg.Client, object: string) => Promise<string | undefined>;
}

/** Runs the job on each object within `maxMinutes`; none done is a refusal, some done says which were not. */
export async function runMaintenance(conn: PgConnection & { maxMinutes: number }, ctx: RemediationContext, objects: string[], job: Job): Promise<string> {
  const budgetMs = conn.maxMinutes * MINUTE_MS;
  const { done, failed } = await onDatabase(
    conn,
    ctx,
    (db) => maintainEach(db, objects, budgetMs, (o) => `${job.statement} ${quoted(db, o)}`, job.onFailure && ((o) => job.onFailure!(db, o))),
    budgetMs,
  );
  if (!done.length) throw new RemediationRefusedError(`${job.none}: ${failed.join('; ')}`);
  return `${job.did} ${done.join(', ')}${failed.length ? `; not done: ${failed.join('; ')}` : ''}`;
}

/** What reading the objects back shows of a job: all of them done since the plan, none, or some. */
export function readBack(objects: string[], done: string[], did: string): Reconciled {
  if (done.length === objects.length) return { applied: 'yes', detail: `${done.join(', ')} ${did} since the plan` };
  if (!done.length) return { applied: 'no', detail: `none of ${objects.join(', ')} ${did} since the plan` };
  return { applied: 'unknown', detail: `${done.join(', ')} ${did} since the plan; not ${objects.filter((o) => !done.includes(o)).join(', ')}` };
}
