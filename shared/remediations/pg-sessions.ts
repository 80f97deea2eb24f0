import type pg from 'pg';
import { defineRemediation, type Reconciled, type RemediationContext, type Risk } from './remediation.js';
import { withPg, type PgConnection } from '../db/pg-session.js';
import * as z from '../zod.js';
import { maskSql } from '../db/mask-sql.js';
import { requirePg } from '../db/pg-privileges.js';
import { RemediationRefusedError, SetupError } from '../errors.js';

/** Whose sessions a pg remediation may touch. Its own, replication and superusers' are never in reach unless said. */
export const sessionFilterShape = {
  /** Only sessions of these users / applications / databases. Default: any. */
  users: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  applications: z.optional(z.array(z.string()).check(z.minLength(1))),
  databases: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  /** Superusers' sessions are left alone unless this is true. Default: false. */
  allowSuperusers: z._default(z.boolean(), false),
  /** At most this many sessions per run. Default: 5. */
  maxSessions: z._default(z.int().check(z.minimum(1), z.maximum(100)), 5),
};

export type SessionFilter = z.output<z.ZodMiniObject<typeof sessionFilterShape>>;

export interface Candidate {
  pid: number;
  user: string;
  application: string;
  database: string;
  state: string;
  seconds: number;
  query: string;
  /** Identifies this very query: a new query in the same session is not the one planned against. */
  queryStart: string;
}

/**
 * The client sessions matching `where` and the filter, oldest first, at most `maxSessions`.
 * Never Vigil's own session, never a non-client backend (walsender, autovacuum, …), superusers only if allowed.
 */
export async function candidates(db: pg.Client, where: string, ageOf: string, params: unknown[], f: SessionFilter): Promise<Candidate[]> {
  // Blind to other roles' sessions it would find none and say "nothing to do"; unable to signal them it would fail after planning.
  const role = await requirePg(db, 'choosing sessions', 'read-all-stats', 'signal-backend');
  if (f.allowSuperusers && !role.superuser)
    throw new SetupError(`allowSuperusers: role ${role.user} is not a superuser, and only a superuser may end a superuser's session`);
  const base = params.length;
  const { rows } = await db.query(
    `SELECT a.pid, a.usename AS user, coalesce(a.application_name, '') AS application, a.datname AS database, a.state,
       extract(epoch FROM now() - ${ageOf})::float8 AS seconds, a.query, a.query_start::text AS query_start
     FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid
     WHERE a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
       AND (${f.allowSuperusers} OR NOT r.rolsuper)
       AND ($${base + 1}::text[] IS NULL OR a.usename = ANY($${base + 1}))
       AND ($${base + 2}::text[] IS NULL OR a.application_name = ANY($${base + 2}))
       AND ($${base + 3}::text[] IS NULL OR a.datname = ANY($${base + 3}))
       AND (${where})
     ORDER BY ${ageOf} LIMIT ${f.maxSessions}`,
    [...params, f.users ?? null, f.applications ?? null, f.databases ?? null],
  );
  return rows.map((r) => ({
    pid: r.pid,
    user: r.user,
    application: r.application,
    database: r.database,
    state: r.state,
    seconds: Math.round(r.seconds),
    query: maskSql(r.query),
    queryStart: r.query_start,
  }));
}

export function describeSessions(list: Candidate[]): string {
  return list.map((c) => `pid ${c.pid} (${c.user}/${c.application || '(none)'}, ${c.seconds} s)`).join(', ');
}

/** A remediation's session on its database; `extraMs` for one that waits on the server (a cancel's grace). */
export function onDatabase<T>(conn: PgConnection, { aws, signal }: RemediationContext, work: (db: pg.Client) => Promise<T>, extraMs = 0): Promise<T> {
  return withPg(conn, { signal: signal ?? new AbortController().signal, aws, timeoutMs: 30_000 + extraMs }, work);
}

/** One kind of session remediation: which sessions it would act on, and what it does to those still as planned. */
interface SessionRemediation<K extends string, S extends z.ZodMiniObject> {
  kind: K;
  description: string;
  risk: Risk;
  /** The connection, the filter, and its own settings. */
  settings: S;
  example: z.input<S>;
  privileges: string;
  /** The sessions it would act on now. */
  select(db: pg.Client, s: z.output<S>): Promise<Candidate[]>;
  /** Why a plan found nothing to do. */
  none(s: z.output<S>): string;
  summary(found: Candidate[], s: z.output<S>): string;
  /** Acts on the planned sessions that still match, as `current` selects them now (a session that moved on is spared); says what it did. */
  act(db: pg.Client, s: z.output<S>, planned: Candidate[], current: () => Promise<Candidate[]>): Promise<string>;
  /** How long acting may wait on the server beyond the usual timeout (a cancel's grace). */
  waitMs?(s: z.output<S>): number;
}

/** The one skeleton of the pg session remediations: plan by selecting, act on what still matches, read back whether the sessions are gone. */
export function sessionRemediation<const K extends string, S extends z.ZodMiniObject>(r: SessionRemediation<K, S>) {
  const on = <T>(s: z.output<S>, ctx: RemediationContext, work: (db: pg.Client) => Promise<T>, extraMs = 0) =>
    onDatabase(s as z.output<S> & PgConnection, ctx, work, extraMs);
  return defineRemediation({
    kind: r.kind,
    description: r.description,
    risk: r.risk,
    uses: { driver: 'pg' },
    settings: r.settings,
    example: r.example,
    privileges: r.privileges,
    targetKey: (s) => `pg:${(s as PgConnection).target}`,
    async plan(s, ctx) {
      const found = await on(s, ctx, (db) => r.select(db, s));
      if (!found.length) throw new RemediationRefusedError(r.none(s));
      return { summary: r.summary(found, s), change: { sessions: found } };
    },
    execute: (s, plan, ctx) => on(s, ctx, (db) => r.act(db, s, plan.change.sessions, () => r.select(db, s)), r.waitMs?.(s)),
    reconcile: (s, plan, ctx) => on(s, ctx, (db) => reconcileSessions(db, plan.change.sessions)),
  });
}

/** Of `found`, those still running the very query planned against: same pid and same query start. A session that moved on is spared. */
export function samePlannedQuery(found: Candidate[], planned: Candidate[]): Candidate[] {
  return found.filter((c) => planned.some((p) => p.pid === c.pid && p.queryStart === c.queryStart));
}

/**
 * Whether the planned sessions are gone from what they were doing (ended, or on to another query):
 * what a cancel or terminate whose answer was lost is read back by.
 */
export async function reconcileSessions(db: pg.Client, planned: Candidate[]): Promise<Reconciled> {
  const { rows } = await db.query('SELECT pid, query_start::text AS query_start FROM pg_stat_activity WHERE pid = ANY($1::int[])', [planned.map((c) => c.pid)]);
  const left = planned.filter((p) => rows.some((r) => r.pid === p.pid && r.query_start === p.queryStart));
  if (left.length === planned.length) return { applied: 'no', detail: `the planned sessions are all still there: ${describeSessions(left)}` };
  const gone = planned.filter((p) => !left.includes(p));
  return { applied: 'yes', detail: `gone: ${describeSessions(gone)}${left.length ? `; still there: ${describeSessions(left)}` : ''}` };
}

/** Terminates these backends; returns the ones PostgreSQL confirmed. */
export async function terminate(db: pg.Client, list: Candidate[]): Promise<Candidate[]> {
  if (!list.length) return [];
  const { rows } = await db.query('SELECT pid FROM unnest($1::int[]) AS pid WHERE pg_terminate_backend(pid)', [list.map((c) => c.pid)]);
  const terminated = new Set(rows.map((r) => r.pid as number));
  return list.filter((c) => terminated.has(c.pid));
}
