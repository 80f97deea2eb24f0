import type pg from 'pg';
import * as z from '../zod.js';
import { pgConnectionShape, type PgConnection } from '../db/pg-session.js';
import { defineRemediation } from './remediation.js';
import { onDatabase } from './pg-sessions.js';
import { RemediationRefusedError } from '../errors.js';
import { maxMinutesSetting, pgObjectName, qualified, quoted, readBack, runMaintenance } from './pg-maintenance.js';

interface IndexFile {
  index: string;
  /** Its file on disk: a rebuilt index gets a new one. */
  file: number;
  bytes: number;
}

/** The named indexes as pg_class has them; one it does not know is refused by name. */
async function indexesOf(db: pg.Client, indexes: string[]): Promise<IndexFile[]> {
  const { rows } = await db.query<{ i: string; file: string; bytes: string }>(
    `SELECT n.nspname || '.' || c.relname AS i, pg_relation_filenode(c.oid) AS file, pg_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'i' AND n.nspname || '.' || c.relname = ANY($1::text[])`,
    [indexes.map(qualified)],
  );
  const missing = indexes.map(qualified).filter((i) => !rows.some((r) => r.i === i));
  if (missing.length) throw new RemediationRefusedError(`no index ${missing.join(', ')} in the database`);
  return indexes.map(qualified).map((i) => {
    const r = rows.find((x) => x.i === i)!;
    return { index: i, file: Number(r.file), bytes: Number(r.bytes) };
  });
}

/** Invalid copies a REINDEX CONCURRENTLY left when it failed (`<index>_ccnew`, `_ccold`): they slow every write until dropped. */
async function leftovers(db: pg.Client, index: string): Promise<string[]> {
  const [schema, name] = index.split('.') as [string, string];
  const { rows } = await db.query<{ i: string }>(
    `SELECT n.nspname || '.' || c.relname AS i FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_index x ON x.indexrelid = c.oid
      WHERE n.nspname = $1 AND c.relname ~ ('^' || $2 || '_cc(new|old)[0-9]*$') AND NOT x.indisvalid`,
    [schema, name],
  );
  return rows.map((r) => r.i);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** `REINDEX INDEX CONCURRENTLY` of named indexes: the guides' "rebuild bloated indexes", reads and writes going on meanwhile. */
export const pgReindex = defineRemediation({
  kind: 'pg-reindex',
  example: { target: 'billing-db.internal:5432/billing', password: { secret: 'billing-db-vigil' }, indexes: ['public.payments_loan_idx'] },
  description:
    'Rebuilds named PostgreSQL indexes with REINDEX INDEX CONCURRENTLY within a time limit; the invalid copy a failed rebuild leaves is dropped, and one already there stops it.',
  risk: 'low',
  privileges: 'ownership of the indexes’ tables (`pg_maintain` on PostgreSQL 17 and later); PostgreSQL 12 or later.',
  uses: { driver: 'pg' },
  settings: z.strictObject({
    ...pgConnectionShape,
    /** The indexes, `schema.index` (or `index`, in public), rebuilt in this order. */
    indexes: z.array(pgObjectName('an index', 'public.payments_loan_idx')).check(z.minLength(1), z.maxLength(10)),
    /** The whole job's time limit, in minutes, within the runbook function's 10: a rebuild still running then is cancelled and its copy dropped. Default: 8. */
    maxMinutes: maxMinutesSetting,
  }),
  targetKey: (s) => `pg:${s.target}`,
  async plan(s, ctx) {
    const found = await onDatabase(s as PgConnection, ctx, async (db) => {
      const files = await indexesOf(db, s.indexes);
      const left = (await Promise.all(files.map((f) => leftovers(db, f.index)))).flat();
      if (left.length)
        throw new RemediationRefusedError(
          `an earlier REINDEX CONCURRENTLY left ${left.join(', ')} (invalid): DROP INDEX CONCURRENTLY it first, and find out why it failed`,
        );
      return files;
    });
    const listed = found.map((f) => `${f.index} (${mb(f.bytes)})`).join(', ');
    return {
      summary: `REINDEX INDEX CONCURRENTLY ${found.length} index${found.length > 1 ? 'es' : ''} on ${s.target}: ${listed}`,
      change: { indexes: found.map(({ index, file }) => ({ index, file })) },
    };
  },
  execute: (s, plan, ctx) =>
    runMaintenance(
      s,
      ctx,
      plan.change.indexes.map((i) => i.index),
      {
        statement: 'REINDEX INDEX CONCURRENTLY',
        did: 'rebuilt',
        none: 'no index was rebuilt',
        // The failed rebuild's invalid copy is Vigil's to drop: left, it would slow every write to the table.
        onFailure: async (db, i) => {
          const left = await leftovers(db, i);
          for (const copy of left) await db.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoted(db, copy)}`);
          return left.length ? `its invalid copy ${left.join(', ')} dropped` : undefined;
        },
      },
    ),
  async reconcile(s, plan, ctx) {
    const planned = plan.change.indexes.map((i) => i.index);
    const now = await onDatabase(s as PgConnection, ctx, (db) => indexesOf(db, planned));
    const rebuilt = plan.change.indexes.filter((p) => now.find((n) => n.index === p.index)!.file !== p.file).map((p) => p.index);
    return readBack(planned, rebuilt, 'rebuilt');
  },
});
