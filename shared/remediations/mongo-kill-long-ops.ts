import type { Db } from 'mongodb';
import * as z from '../zod.js';
import { describeOps, longOps, opFilterShape, type MongoOp } from '../db/mongo-ops.js';
import { mongoConnectionShape, withMongo } from '../db/mongo-session.js';
import { defineRemediation, type RemediationContext } from './remediation.js';
import { RemediationRefusedError } from '../errors.js';

const settings = z.strictObject({
  ...mongoConnectionShape,
  ...opFilterShape,
  /** Only operations running at least this long. Default: 300 (5 minutes). */
  olderThanSeconds: z._default(z.number().check(z.positive()), 300),
});

type Settings = z.output<typeof settings>;

/** Kills client operations running too long: the guides' "find the query holding the tickets and killOp it". */
export const mongoKillLongOps = defineRemediation({
  kind: 'mongo-kill-long-ops',
  example: {
    target: 'orders-docdb.cluster-c1x2.eu-west-1.docdb.amazonaws.com:27017',
    flavor: 'documentdb',
    password: { secret: 'orders-docdb-vigil' },
    olderThanSeconds: 300,
  },
  privileges: "`clusterMonitor` on `admin` to see every client's operations, and `killop` (`hostManager`) to end them.",
  description: "Kills MongoDB / DocumentDB operations running longer than a limit, within namespace and application filters and a cap; never the server's own.",
  risk: 'low',
  uses: { driver: 'mongodb' },
  settings,
  targetKey: (s) => `mongo:${s.target}`,
  async plan(s, ctx) {
    const found = await onServer(s, ctx, (admin) => longOps(admin, s.olderThanSeconds, s));
    if (!found.length) throw new RemediationRefusedError(`no operation running over ${s.olderThanSeconds} s matches; nothing to kill`);
    return { summary: `kill ${found.length} operation${found.length > 1 ? 's' : ''} on ${s.target}: ${describeOps(found)}`, change: { operations: found } };
  },
  async execute(s, plan, ctx) {
    const planned = plan.change.operations;
    return onServer(s, ctx, async (admin) => {
      // Only what was planned and still runs: an operation that finished is not killed after the fact.
      const still = (await longOps(admin, s.olderThanSeconds, s)).filter((op) => planned.some((p) => p.opid === op.opid));
      const killed: MongoOp[] = [];
      for (const op of still) {
        const reply = await admin.command({ killOp: 1, op: op.opid });
        if (reply.ok) killed.push(op);
      }
      return killed.length ? `killed ${describeOps(killed)}` : 'none of the planned operations still ran; nothing killed';
    });
  },
  async reconcile(s, plan, ctx) {
    const planned = plan.change.operations;
    const running = await onServer(s, ctx, (admin) => longOps(admin, s.olderThanSeconds, s));
    const left = planned.filter((p) => running.some((op) => op.opid === p.opid));
    if (left.length === planned.length) return { applied: 'no', detail: `the planned operations all still run: ${describeOps(left)}` };
    return {
      applied: 'yes',
      detail: `ended: ${describeOps(planned.filter((p) => !left.includes(p)))}${left.length ? `; still running: ${describeOps(left)}` : ''}`,
    };
  },
});

function onServer<T>(s: Settings, { aws, signal }: RemediationContext, work: (admin: Db) => Promise<T>): Promise<T> {
  return withMongo(s, { signal: signal ?? new AbortController().signal, aws, timeoutMs: 30_000 }, work);
}
