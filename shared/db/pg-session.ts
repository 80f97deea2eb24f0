import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import type pg from 'pg';
import * as z from '../zod.js';
import type { AwsPorts } from '../aws/ports.js';
import { passwordSource, withCredentials, type Credentials } from '../secrets/credentials.js';
import { SetupError } from '../errors.js';

const TARGET = /^(?<host>[A-Za-z0-9.-]+):(?<port>\d{1,5})\/(?<database>[A-Za-z0-9_$-]+)$/;

/** How Vigil reaches one PostgreSQL database. Fields shared by the pg probe and the pg remediations. */
export const pgConnectionShape = {
  /** `host:port/database`, e.g. `orders-db.internal:5432/orders`. Never a connection string: no password in it. */
  target: z.string().check(z.regex(TARGET, 'expected "host:port/database", e.g. "orders-db.internal:5432/orders"')),
  /** Default: the secret's `username`, else `vigil`. */
  user: z.optional(z.string().check(z.minLength(1))),
  password: passwordSource,
  /** `require` (default) encrypts; `verify-full` also checks the server against `caBundle`; `disable` only for local databases. */
  ssl: z._default(z.enum(['disable', 'require', 'verify-full']), 'require'),
  /** A PEM file, e.g. the RDS global bundle shipped with the function. */
  caBundle: z.optional(z.string()),
};

export type PgConnection = z.output<z.ZodMiniObject<typeof pgConnectionShape>>;

/** Errors PostgreSQL gives for a wrong password or user: the one case where reading the secret again can help. */
const AUTH_FAILURES = new Set(['28P01', '28000']);

/** Connects, runs `work`, disconnects; a rotated password is picked up after one authentication failure. */
export function withPg<T>(
  conn: PgConnection,
  ctx: { signal: AbortSignal; aws?: AwsPorts; timeoutMs: number },
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const isAuthFailure = (err: unknown) => AUTH_FAILURES.has((err as { code?: string }).code ?? '');
  return withCredentials(conn.password, ctx.aws?.secrets, isAuthFailure, (creds) => session(conn, creds, ctx, work));
}

async function session<T>(
  conn: PgConnection,
  creds: Credentials,
  ctx: { signal: AbortSignal; timeoutMs: number },
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const { host, port, database } = TARGET.exec(conn.target)!.groups!;
  // Loaded here, not at the top: only the functions that run PostgreSQL checks carry the driver.
  const { default: driver } = await import('pg');
  // Our own socket, so a check past its timeout can cut it: the driver's end() only asks politely, and a
  // server that never answers (or never finishes the TLS handshake it agreed to) would hold it open.
  const socket = new Socket();
  const client = new driver.Client({
    stream: () => socket,
    host,
    port: Number(port),
    database,
    user: conn.user ?? creds.user ?? 'vigil',
    password: creds.password,
    application_name: 'vigil',
    connectionTimeoutMillis: ctx.timeoutMs,
    statement_timeout: ctx.timeoutMs,
    ssl:
      conn.ssl === 'disable'
        ? false
        : conn.ssl === 'require'
          ? { rejectUnauthorized: false }
          : { rejectUnauthorized: true, ...(conn.caBundle ? { ca: readFileSync(conn.caBundle, 'utf8') } : {}) },
  });
  // A check past its timeout closes the connection; the pending query fails with it.
  const abort = () => socket.destroy();
  ctx.signal.addEventListener('abort', abort, { once: true });
  client.on('error', () => undefined); // a server that drops us fails the pending query; nothing else to do
  try {
    await client.connect();
    return await work(client);
  } catch (err) {
    // insufficient_privilege: Vigil's setup, not the database's failure.
    if ((err as { code?: string }).code === '42501')
      throw new SetupError(`${(err as Error).message} (SQLSTATE 42501): grant the role what it names (README, "Grants")`, { cause: err });
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    // A polite goodbye when the server still answers; cut after a moment when it does not.
    const cut = setTimeout(() => socket.destroy(), 1_000);
    await client.end().catch(() => undefined);
    clearTimeout(cut);
    socket.destroy();
  }
}
