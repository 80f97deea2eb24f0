import type pg from 'pg';
import * as z from '../zod.js';

export const MINUTE_MS = 60_000;

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
export async function maintainEach(
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
