import type { Db, Document } from 'mongodb';
import * as z from '../zod.js';

/** One in-progress operation as an engineer would list it from currentOp. */
export interface MongoOp {
  opid: number | string;
  seconds: number;
  op: string;
  ns: string;
  application: string;
  client: string;
  /** The command with every value masked: its shape, never its data. */
  command: string;
  planSummary?: string;
  waitingForLock?: boolean;
}

/** Whose operations a kill may touch. System operations and Vigil's own are never in reach. */
export const opFilterShape = {
  /** Only operations on these namespaces: `db.collection`, or `db.*` for a whole database. Default: any. */
  namespaces: z.optional(z.array(z.string().check(z.regex(/^[^.\s]+\.(\*|[^\s]+)$/, 'expected "database.collection" or "database.*"'))).check(z.minLength(1))),
  /** Only operations from these applications (the driver's appName). Default: any. */
  applications: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  /** Writes killed halfway leave partial changes outside a transaction; they are spared unless this is true. Default: false. */
  allowWrites: z._default(z.boolean(), false),
  /** At most this many operations per run. Default: 5. */
  maxOps: z._default(z.int().check(z.minimum(1), z.maximum(100)), 5),
};

export type OpFilter = z.output<z.ZodMiniObject<typeof opFilterShape>>;

const SYSTEM_DATABASES = new Set(['admin', 'local', 'config']);
const WRITES = new Set(['insert', 'update', 'remove', 'delete']);

/**
 * A client's operation, not the server's own: MongoDB names a client connection `conn<N>` and
 * DocumentDB `Conn`; replication, TTL and index builds run on internal threads with other names.
 */
function isClientOp(op: Document): boolean {
  const desc = String(op.desc ?? '');
  const fromClient = /^conn\d*$/i.test(desc) || op.client !== undefined || op.client_s !== undefined;
  const database = String(op.ns ?? '').split('.')[0]!;
  const own = op.appName === 'vigil' || op.clientMetadata?.application?.name === 'vigil' || op.command?.currentOp !== undefined;
  return fromClient && !own && op.op !== 'none' && !SYSTEM_DATABASES.has(database) && !op.command?.killOp;
}

/** Client operations running at least `olderThanSeconds`, oldest first, within `filter` when one is given. */
export async function longOps(admin: Db, olderThanSeconds: number, filter?: OpFilter): Promise<MongoOp[]> {
  // The command form: DocumentDB and MongoDB both answer it with `inprog`.
  const { inprog } = (await admin.command({ currentOp: 1, active: true })) as { inprog?: Document[] };
  return (inprog ?? [])
    .filter((op) => isClientOp(op) && Number(op.secs_running ?? 0) >= olderThanSeconds && (!filter || within(op, filter)))
    .sort((a, b) => Number(b.secs_running) - Number(a.secs_running))
    .slice(0, filter?.maxOps ?? 20)
    .map(describe);
}

function within(op: Document, f: OpFilter): boolean {
  const ns = String(op.ns ?? '');
  const application = String(op.appName ?? op.clientMetadata?.application?.name ?? '');
  if (f.namespaces && !f.namespaces.some((n) => (n.endsWith('.*') ? ns.startsWith(n.slice(0, -1)) : ns === n))) return false;
  if (f.applications && !f.applications.includes(application)) return false;
  return f.allowWrites || !WRITES.has(String(op.op));
}

function describe(op: Document): MongoOp {
  return {
    opid: typeof op.opid === 'object' ? Number(op.opid) : op.opid,
    seconds: Number(op.secs_running ?? 0),
    op: String(op.op ?? ''),
    ns: String(op.ns ?? ''),
    application: String(op.appName ?? op.clientMetadata?.application?.name ?? ''),
    client: String(op.client ?? op.client_s ?? ''),
    command: maskCommand(op.command ?? op.query ?? {}),
    ...(op.planSummary ? { planSummary: String(op.planSummary) } : {}),
    ...(op.waitingForLock !== undefined ? { waitingForLock: Boolean(op.waitingForLock) } : {}),
  };
}

/** A command's shape with its values masked, truncated: `{"find":"items","filter":{"email":"?"}}`. */
function maskCommand(command: Document, max = 300): string {
  const mask = (value: unknown, key: string, depth: number): unknown => {
    if (Array.isArray(value)) return value.map((v) => mask(v, key, depth + 1));
    if (value && typeof value === 'object' && !(value instanceof Date) && value.constructor?.name === 'Object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k, depth + 1)]));
    }
    // The command name's value is the collection; `$db` names the database. Both say where, not what.
    return depth === 0 && (key === Object.keys(command)[0] || key === '$db') ? value : '?';
  };
  const text = JSON.stringify(mask(command, '', -1));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function describeOps(list: MongoOp[]): string {
  return list.map((o) => `opid ${o.opid} (${o.op} ${o.ns}, ${o.application || '(no app)'}, ${o.seconds} s)`).join(', ');
}
