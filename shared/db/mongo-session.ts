import type { Db, MongoClientOptions } from 'mongodb';
import * as z from '../zod.js';
import type { AwsPorts } from '../aws/ports.js';
import { passwordSource, withCredentials, type Credentials } from '../secrets/credentials.js';
import { SetupError } from '../errors.js';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** How Vigil reaches one MongoDB deployment or DocumentDB cluster. Shared by the mongo probe and remediation. */
export const mongoConnectionShape = {
  /** `host:port`, or several comma-separated for a replica set. Never a connection string: no password in it. */
  target: z
    .string()
    .check(
      z.refine(
        (t) => t.split(',').every((h) => HOST_PORT.test(h)),
        'expected "host:port" or "host1:port,host2:port", e.g. "orders.cluster-abc.eu-west-1.docdb.amazonaws.com:27017"',
      ),
    ),
  /** `documentdb` turns off retryable writes, which DocumentDB does not support. Default: mongodb. */
  flavor: z._default(z.enum(['mongodb', 'documentdb']), 'mongodb'),
  /** Default: the secret's `username`, else `vigil`. */
  user: z.optional(z.string().check(z.minLength(1))),
  password: passwordSource,
  /** The database users are defined in. Default: admin. */
  authSource: z._default(z.string().check(z.minLength(1)), 'admin'),
  /** Default: true. DocumentDB clusters require it unless TLS was turned off on the cluster. */
  tls: z._default(z.boolean(), true),
  /** A PEM file of CAs to trust, e.g. AWS's `global-bundle.pem` shipped with the function. Default: the system's CAs. */
  caBundle: z.optional(z.string()),
  /** The replica set name (DocumentDB's is `rs0`). */
  replicaSet: z.optional(z.string().check(z.minLength(1))),
  /** Talk to exactly this host, e.g. one DocumentDB instance endpoint; per-instance measures need it. Default: false. */
  directConnection: z._default(z.boolean(), false),
};

export type MongoConnection = z.output<z.ZodMiniObject<typeof mongoConnectionShape>>;

/** The driver's options: credentials go here, never into the URL; one connection, bounded by `timeoutMs`. */
export function mongoClientOptions(conn: MongoConnection, creds: Credentials, timeoutMs: number): MongoClientOptions {
  return {
    auth: { username: conn.user ?? creds.user ?? 'vigil', password: creds.password },
    authSource: conn.authSource,
    tls: conn.tls,
    ...(conn.caBundle ? { tlsCAFile: conn.caBundle } : {}),
    ...(conn.replicaSet ? { replicaSet: conn.replicaSet } : {}),
    directConnection: conn.directConnection,
    retryWrites: conn.flavor === 'mongodb',
    appName: 'vigil',
    maxPoolSize: 1,
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
  };
}

/** MongoDB's codes for a wrong user or password, and for a user without the privilege a command needs. */
const AUTHENTICATION_FAILED = 18;
const UNAUTHORIZED = 13;

const isAuthFailure = (err: unknown): boolean => {
  const e = err as { code?: number; cause?: { code?: number } };
  return e.code === AUTHENTICATION_FAILED || e.cause?.code === AUTHENTICATION_FAILED;
};

/** Connects, runs `work` on the admin database, disconnects; a rotated password is picked up after one authentication failure. */
export function withMongo<T>(
  conn: MongoConnection,
  ctx: { signal: AbortSignal; aws?: AwsPorts; timeoutMs: number },
  work: (admin: Db) => Promise<T>,
): Promise<T> {
  return withCredentials(conn.password, ctx.aws?.secrets, isAuthFailure, (creds) => session(conn, creds, ctx, work));
}

async function session<T>(
  conn: MongoConnection,
  creds: Credentials,
  ctx: { signal: AbortSignal; timeoutMs: number },
  work: (admin: Db) => Promise<T>,
): Promise<T> {
  // Loaded here, not at the top: only the functions that run MongoDB checks carry the driver. It is
  // CommonJS: bundled, its exports sit behind the module's default (as pg's do); loaded through tsx
  // (the CLI), it has named exports only.
  const driver = await import('mongodb');
  const MongoClient = driver.MongoClient ?? (driver as unknown as { default: typeof driver }).default.MongoClient;
  const client = new MongoClient(`mongodb://${conn.target}/`, mongoClientOptions(conn, creds, ctx.timeoutMs));
  const abort = () => void client.close(true).catch(() => undefined);
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
    return await work(client.db('admin'));
  } catch (err) {
    const { code, codeName } = err as { code?: number; codeName?: string };
    if (code === UNAUTHORIZED || codeName === 'Unauthorized') {
      throw new SetupError(
        `${(err as Error).message} (Unauthorized 13): grant the user clusterMonitor on admin to read, and a role with killop to end operations (README, "Grants")`,
        { cause: err },
      );
    }
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    await client.close().catch(() => undefined);
  }
}
