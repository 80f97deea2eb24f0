import { readFileSync } from 'node:fs';
import * as z from '../zod.js';
import type { AwsPorts } from '../aws/ports.js';
import { passwordSource, withCredentials, type Credentials } from '../secrets/credentials.js';
import { SetupError } from '../errors.js';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** How Vigil reaches one Redis, Valkey or ElastiCache deployment. Shared by the redis probe and remediation. */
export const redisConnectionShape = {
  /** `host:port`: the primary endpoint, or, with `cluster`, any node (or several, comma-separated) to discover the shards from. */
  target: z
    .string()
    .check(
      z.refine(
        (t) => t.split(',').every((h) => HOST_PORT.test(h)),
        'expected "host:port" or "host1:port,host2:port", e.g. "orders-cache.abc123.euw1.cache.amazonaws.com:6379"',
      ),
    ),
  /** An ACL user (Redis 6+, ElastiCache RBAC). Default: the secret's `username`, else `default`. */
  user: z.optional(z.string().check(z.minLength(1))),
  /** AUTH password or ACL user's password. Default: none (no AUTH). */
  password: z.optional(passwordSource),
  /** In-transit encryption (ElastiCache's TLS). Default: false. */
  tls: z._default(z.boolean(), false),
  /** A PEM file of CAs to trust with `tls`. Default: the system's CAs. */
  caBundle: z.optional(z.string()),
  /** Cluster mode: each shard's primary is read (or acted on) in turn. Default: false. */
  cluster: z._default(z.boolean(), false),
};

export type RedisConnection = z.output<z.ZodMiniObject<typeof redisConnectionShape>>;

/** One Redis server, as measures and remediations see it: a name for findings, and raw commands. */
export interface RedisNode {
  name: string;
  send(args: string[]): Promise<unknown>;
}

const isAuthFailure = (err: unknown): boolean => /WRONGPASS|NOAUTH|invalid username-password/i.test((err as Error)?.message ?? '');

/** Connects, hands each primary to `work`, disconnects; a rotated password is picked up after one authentication failure. */
export function withRedis<T>(
  conn: RedisConnection,
  ctx: { signal: AbortSignal; aws?: AwsPorts; timeoutMs: number },
  work: (nodes: RedisNode[]) => Promise<T>,
): Promise<T> {
  if (!conn.password) return session(conn, undefined, ctx, work);
  return withCredentials(conn.password, ctx.aws?.secrets, isAuthFailure, (creds) => session(conn, creds, ctx, work));
}

async function session<T>(
  conn: RedisConnection,
  creds: Credentials | undefined,
  ctx: { signal: AbortSignal; timeoutMs: number },
  work: (nodes: RedisNode[]) => Promise<T>,
): Promise<T> {
  // Loaded here, not at the top: only the functions that run Redis checks carry the client.
  // CommonJS: bundled, its exports sit behind the module's default; through tsx, they are named.
  const redis = (await import('@redis/client')) as typeof import('@redis/client') & { default?: typeof import('@redis/client') };
  const { createClient, createCluster } = redis.default ?? redis;
  const auth = creds ? { username: conn.user ?? creds.user ?? 'default', password: creds.password } : conn.user ? { username: conn.user } : {};
  // No reconnecting: a check measures one connection, and a remediation must not retry blindly.
  const socket = {
    connectTimeout: ctx.timeoutMs,
    reconnectStrategy: false as const,
    ...(conn.tls ? { tls: true as const, ...(conn.caBundle ? { ca: readFileSync(conn.caBundle) } : {}) } : {}),
  };
  const hosts = conn.target.split(',').map((h) => {
    const [host, port] = h.split(':') as [string, string];
    return { host, port: Number(port) };
  });
  const user = String(auth.username ?? 'default');
  const closers: (() => Promise<void>)[] = [];
  const abort = () => void Promise.all(closers.map((c) => c().catch(() => undefined)));
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    if (!conn.cluster) {
      const client = createClient({ socket: { ...socket, ...hosts[0]! }, ...auth, name: 'vigil' });
      client.on('error', () => undefined); // errors reach the awaited command; the listener keeps them from crashing the process
      closers.push(async () => client.destroy());
      await client.connect();
      return await work([{ name: conn.target, send: (args) => client.sendCommand(args) }]);
    }
    const cluster = createCluster({ rootNodes: hosts.map((h) => ({ socket: { ...socket, ...h } })), defaults: { socket, ...auth }, minimizeConnections: true });
    cluster.on('error', () => undefined);
    closers.push(async () => cluster.destroy());
    await cluster.connect();
    const nodes = await Promise.all(
      cluster.masters.map(async (m) => {
        const client = await cluster.nodeClient(m);
        return { name: `${m.host}:${m.port}`, send: (args: string[]) => client.sendCommand(args) };
      }),
    );
    return await work(nodes.sort((a, b) => a.name.localeCompare(b.name)));
  } catch (err) {
    throw denied(err, user) ?? err;
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    for (const close of closers) await close().catch(() => undefined);
  }
}

/** An ACL user without a command or key it needs: Redis names which, so the fix can too. */
function denied(err: unknown, user: string): SetupError | undefined {
  const message = (err as Error)?.message ?? '';
  if (!message.startsWith('NOPERM')) return undefined;
  const command = /run the '([^']+)' command/.exec(message)?.[1];
  return new SetupError(
    `${message}; allow it with ACL SETUSER ${user} ${command ? `+${command}` : '+<command> or the key pattern it names'} (docs/configuration.md, redis)`,
    { cause: err },
  );
}

/** A segment that looks like a token or an id someone could replay: long, with digits, no spaces. */
const TOKEN_LIKE = /^(?=.*\d)[A-Za-z0-9_=+/.-]{16,}$/;

/**
 * A key as findings and plans show it: its shape, not the session id or token it may carry
 * (`session:9f86…` shows as `session:… (40 chars)`), cut to 80 characters.
 */
export function shownKey(key: string): string {
  const shape = key
    .split(':')
    .map((part) => (TOKEN_LIKE.test(part) ? `… (${part.length} chars)` : part))
    .join(':');
  return shape.length > 80 ? `${shape.slice(0, 79)}…` : shape;
}

/** INFO's `key:value` lines as a record (`# Section` headers and blanks skipped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) out[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return out;
}

export async function info(node: RedisNode, section: string): Promise<Record<string, string>> {
  return parseInfo(String(await node.send(['INFO', section])));
}

/**
 * SCAN, bounded: at most `maxKeys` keys and `maxCalls` calls, and no later than `until`. Says whether
 * it saw the whole keyspace, so a sample is never reported as the whole.
 */
export async function scanKeys(
  node: RedisNode,
  bounds: { match?: string; maxKeys: number; maxCalls: number; until: number },
): Promise<{ keys: string[]; complete: boolean; calls: number }> {
  const keys: string[] = [];
  const walked = await walkKeys(node, bounds, async (batch) => void keys.push(...batch));
  return { keys, complete: walked.complete, calls: walked.calls };
}

/**
 * The keyspace in SCAN's order, a reply at a time, to `each`: at most `maxKeys` keys (and `maxCalls`
 * calls), no later than `until`. `complete` says whether the walk reached the end.
 */
export async function walkKeys(
  node: RedisNode,
  bounds: { match?: string; maxKeys: number; maxCalls?: number; until: number },
  each: (keys: string[]) => Promise<void>,
): Promise<{ seen: number; complete: boolean; calls: number }> {
  let cursor = '0';
  let seen = 0;
  let calls = 0;
  let cut = false;
  do {
    const reply = (await node.send(['SCAN', cursor, ...(bounds.match ? ['MATCH', bounds.match] : []), 'COUNT', '1000'])) as [string, string[]];
    calls++;
    cursor = String(reply[0]);
    const keys = reply[1].slice(0, bounds.maxKeys - seen).map(String);
    cut = keys.length < reply[1].length;
    seen += keys.length;
    if (keys.length) await each(keys);
  } while (cursor !== '0' && seen < bounds.maxKeys && calls < (bounds.maxCalls ?? Infinity) && Date.now() < bounds.until);
  return { seen, complete: cursor === '0' && !cut, calls };
}
