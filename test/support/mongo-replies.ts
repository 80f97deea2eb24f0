import { BSON, type Document } from 'mongodb';

/**
 * Replies as MongoDB 7.0 and DocumentDB 5.0 shape them (field names, types: Long, Date, Timestamp),
 * trimmed to what an engineer reads. The MongoDB shapes follow the server's reference documentation;
 * the DocumentDB ones follow AWS's documented output. Neither was captured from a live server here.
 */
const long = (n: number) => BSON.Long.fromNumber(n);
const ago = (now: Date, seconds: number) => new Date(now.getTime() - seconds * 1000);

export function serverStatus(flavor: 'mongodb' | 'documentdb', current: number, available: number): Document {
  const common = {
    host: flavor === 'mongodb' ? 'mongo-a:27017' : 'orders-docdb-1:27017',
    process: 'mongod',
    pid: long(1),
    uptime: 86_400,
    localTime: new Date(),
    ok: 1,
  };
  return flavor === 'mongodb'
    ? {
        ...common,
        version: '7.0.14',
        uptimeMillis: long(86_400_000),
        connections: { current, available, totalCreated: 15_231, rejected: 0, active: 37, threaded: current, exhaustHello: 2, awaitingTopologyChanges: 2 },
      }
    : { ...common, version: '5.0.0', uptimeEstimate: long(86_400), connections: { current, available, totalCreated: 15_231 } };
}

interface MemberState {
  name: string;
  state: 'PRIMARY' | 'SECONDARY' | 'ARBITER' | '(not reachable/healthy)';
  /** Seconds behind `now` of the last applied operation. */
  behind?: number;
}

const STATE_CODES = { PRIMARY: 1, SECONDARY: 2, ARBITER: 7, '(not reachable/healthy)': 8 } as const;

export function replSetGetStatus(now: Date, members: MemberState[]): Document {
  return {
    set: 'rs0',
    date: now,
    myState: 1,
    term: long(7),
    heartbeatIntervalMillis: long(2000),
    members: members.map((m, i) => {
      const healthy = m.state !== '(not reachable/healthy)';
      const applied = healthy ? ago(now, m.behind ?? 0) : new Date(0);
      return {
        _id: i,
        name: m.name,
        health: healthy ? 1 : 0,
        state: STATE_CODES[m.state],
        stateStr: m.state,
        uptime: healthy ? 86_400 : 0,
        optime: { ts: new BSON.Timestamp({ t: Math.floor(applied.getTime() / 1000), i: 1 }), t: long(7) },
        optimeDate: applied,
        ...(m.state === 'PRIMARY'
          ? { self: true, electionDate: ago(now, 86_000) }
          : { lastHeartbeat: now, pingMs: long(1), syncSourceHost: healthy ? members[0]!.name : '' }),
      };
    }),
    ok: 1,
  };
}

export const notReplicaSet = { ok: 0, errmsg: 'not running with --replSet', code: 76, codeName: 'NoReplicationEnabled' };

interface OpSpec {
  opid: number;
  seconds: number;
  op?: string;
  ns?: string;
  app?: string;
  command?: Document;
}

/** A client's operation as MongoDB reports it: connection `conn<N>`, appName, client metadata. */
export function mongodbOp(o: OpSpec): Document {
  const [db, collection] = (o.ns ?? 'orders.items').split('.');
  return {
    type: 'op',
    host: 'mongo-a:27017',
    desc: `conn${o.opid % 10_000}`,
    connectionId: o.opid % 10_000,
    client: '10.0.3.17:51844',
    ...(o.app ? { appName: o.app, clientMetadata: { application: { name: o.app }, driver: { name: 'nodejs', version: '6.8.0' } } } : {}),
    active: true,
    currentOpTime: new Date().toISOString(),
    effectiveUsers: [{ user: 'orders', db: 'admin' }],
    opid: o.opid,
    secs_running: long(o.seconds),
    microsecs_running: long(o.seconds * 1_000_000 + 123),
    op: o.op ?? 'query',
    ns: o.ns ?? 'orders.items',
    command: o.command ?? { find: collection, filter: { customerEmail: 'jane@example.com', total: { $gt: 100 } }, $db: db },
    planSummary: 'COLLSCAN',
    numYields: 3204,
    waitingForLock: false,
    locks: { FeatureCompatibilityVersion: 'r', Global: 'r' },
  };
}

/** A client's operation as DocumentDB reports it: `desc: "Conn"`, a wait state, plain numbers. */
export function documentdbOp(o: OpSpec): Document {
  const [db, collection] = (o.ns ?? 'orders.items').split('.');
  return {
    desc: 'Conn',
    active: true,
    opid: o.opid,
    secs_running: o.seconds,
    microsecs_running: long(o.seconds * 1_000_000),
    op: o.op ?? 'query',
    ns: o.ns ?? 'orders.items',
    command: o.command ?? { find: collection, filter: { customerEmail: 'jane@example.com' }, $db: db },
    client: '10.0.3.17:51844',
    ...(o.app ? { appName: o.app } : {}),
    WaitState: 'IO',
    threadId: 18_302,
    $db: db,
  };
}

/** The server's own work, which a kill must never touch. */
export const systemOps: Document[] = [
  {
    type: 'op',
    host: 'mongo-a:27017',
    desc: 'OplogApplier-0',
    active: true,
    opid: 7,
    secs_running: long(3600),
    op: 'none',
    ns: 'local.oplog.rs',
    command: {},
    numYields: 0,
  },
  { type: 'op', host: 'mongo-a:27017', desc: 'TTLMonitor', active: true, opid: 9, secs_running: long(900), op: 'none', ns: '', command: {} },
  { desc: 'GarbageCollection', active: true, opid: 11, secs_running: 7200, op: 'none', ns: 'orders.items', command: {} },
  {
    type: 'op',
    desc: 'conn12',
    client: '10.0.0.9:40022',
    active: true,
    opid: 12,
    secs_running: long(5000),
    op: 'command',
    ns: 'admin.$cmd',
    command: { createIndexes: 'items', $db: 'admin' },
  },
];

export function currentOp(inprog: Document[]): Document {
  return { inprog, ok: 1 };
}
