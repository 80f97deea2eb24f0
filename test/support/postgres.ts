import { afterAll, afterEach, beforeAll } from 'vitest';
import pg from 'pg';
import { startLocalPostgres, type LocalPostgres } from '../../app/local/postgres.js';

export { startLocalPostgres, type LocalPostgres };

/** A session of its own, as an application would hold one; `close` ends it if it is still alive. */
export async function session(db: LocalPostgres, options: { application?: string; user?: string; password?: string } = {}) {
  const client = new pg.Client({
    host: db.host,
    port: db.port,
    database: 'postgres',
    user: options.user ?? db.user,
    password: options.password ?? db.password,
    application_name: options.application ?? 'test-app',
  });
  client.on('error', () => undefined); // a terminated session errors here; the tests look at it themselves
  await client.connect();
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  return { client, pid: rows[0].pid as number, close: () => client.end().catch(() => undefined) };
}

/** Waits until `condition` holds, polling; PostgreSQL's views lag a moment behind what sessions do. */
export async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A pg check against the local cluster, as vigil.config.ts would declare it. */
export function pgCheck(db: LocalPostgres, measure: string, extra: Record<string, unknown> = {}) {
  return {
    kind: 'pg' as const,
    target: `${db.host}:${db.port}/postgres`,
    user: db.user,
    password: { value: db.password },
    ssl: 'disable' as const,
    measure,
    ...extra,
  };
}

export type Session = Awaited<ReturnType<typeof session>>;

/**
 * One cluster for a test file: started before its tests with an admin session (and `setup` run on
 * it), stopped after them. Sessions opened through `open` are closed after each test.
 */
export function useCluster(options: Parameters<typeof startLocalPostgres>[0] = {}, setup?: (admin: Session) => Promise<unknown>) {
  let db: LocalPostgres | undefined;
  let admin: Session | undefined;
  const opened: Session[] = [];
  beforeAll(async () => {
    db = await startLocalPostgres(options);
    admin = await session(db, { application: 'test-admin' });
    await setup?.(admin);
  }, 60_000);
  afterAll(async () => {
    await admin?.close();
    await db?.stop();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  return {
    get db() {
      return db!;
    },
    get admin() {
      return admin!;
    },
    async open(options: Parameters<typeof session>[1] = {}) {
      const s = await session(db!, options);
      opened.push(s);
      return s;
    },
  };
}
