import type { Document } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { mongoKillLongOps } from '../../shared/remediations/mongo-kill-long-ops.js';
import { currentOp, documentdbOp, mongodbOp, systemOps } from '../support/mongo-replies.js';
import { startScriptedMongo, type ScriptedMongo } from '../support/mongo-wire.js';
import { systemClock } from '../../shared/clock.js';

const ctx = { aws: {} as AwsPorts, clock: systemClock };
let server: ScriptedMongo | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** A server whose operations end when killed, as killOp does on MongoDB and DocumentDB. */
async function serverRunning(ops: Document[]) {
  const running = [...ops];
  server = await startScriptedMongo({
    users: { vigil: 'pw' },
    replies: {
      currentOp: () => currentOp(running),
      killOp: (cmd) => {
        const at = running.findIndex((op) => op.opid === cmd.op);
        if (at >= 0) running.splice(at, 1);
        return { info: 'attempting to kill op', ok: 1 };
      },
    },
  });
  const killed = () => server!.commands.filter((c) => c.killOp).map((c) => c.op as number);
  return { server, running, killed };
}

const settings = (s: ScriptedMongo, extra: object = {}) =>
  mongoKillLongOps.settings.parse({
    target: `${s.host}:${s.port}`,
    user: 'vigil',
    password: { value: 'pw' },
    tls: false,
    directConnection: true,
    olderThanSeconds: 60,
    ...extra,
  });

const scene = (op = mongodbOp) => [
  op({ opid: 501, seconds: 700, ns: 'orders.items', app: 'orders-api' }),
  op({ opid: 502, seconds: 300, ns: 'orders.carts', app: 'orders-api' }),
  op({ opid: 503, seconds: 900, ns: 'orders.items', app: 'orders-api', op: 'update', command: { q: { sku: 'A1' }, u: { $set: { stock: 0 } } } }),
  op({ opid: 504, seconds: 800, ns: 'analytics.events', app: 'reporting' }),
  op({ opid: 505, seconds: 30, ns: 'orders.items', app: 'orders-api' }),
  ...systemOps,
];

describe('mongo-kill-long-ops', () => {
  it('plans exactly the operations in reach, and a dry run (the plan alone) kills nothing', async () => {
    const { server: s, killed } = await serverRunning(scene());
    const plan = await mongoKillLongOps.plan(settings(s, { namespaces: ['orders.*'], applications: ['orders-api'] }), ctx);
    expect((plan.change.operations as { opid: number }[]).map((o) => o.opid)).toEqual([501, 502]);
    expect(plan.summary).toBe(
      `kill 2 operations on ${s.host}:${s.port}: opid 501 (query orders.items, orders-api, 700 s), opid 502 (query orders.carts, orders-api, 300 s)`,
    );
    expect(killed()).toEqual([]);
  });

  it.each([
    ['MongoDB', mongodbOp],
    ['DocumentDB', documentdbOp],
  ] as const)("on %s, kills exactly the planned operations; the writes, other apps and the server's own run on", async (_, op) => {
    const { server: s, running, killed } = await serverRunning(scene(op));
    const chosen = settings(s, { applications: ['orders-api'] });
    const result = await mongoKillLongOps.execute(chosen, await mongoKillLongOps.plan(chosen, ctx), ctx);
    expect(result).toBe('killed opid 501 (query orders.items, orders-api, 700 s), opid 502 (query orders.carts, orders-api, 300 s)');
    expect(killed()).toEqual([501, 502]);
    expect(running.map((o) => o.opid)).toEqual([503, 504, 505, ...systemOps.map((o) => o.opid)]);
  });

  it('reads back a kill whose answer was lost: the planned operations ended, or all still running', async () => {
    const { server: s, running } = await serverRunning(scene());
    const chosen = settings(s, { applications: ['orders-api'] });
    const plan = await mongoKillLongOps.plan(chosen, ctx);
    expect(await mongoKillLongOps.reconcile(chosen, plan, ctx)).toEqual({
      applied: 'no',
      detail: 'the planned operations all still run: opid 501 (query orders.items, orders-api, 700 s), opid 502 (query orders.carts, orders-api, 300 s)',
    });
    running.splice(0, 1); // 501 killed, its answer lost
    expect(await mongoKillLongOps.reconcile(chosen, plan, ctx)).toEqual({
      applied: 'yes',
      detail: 'ended: opid 501 (query orders.items, orders-api, 700 s); still running: opid 502 (query orders.carts, orders-api, 300 s)',
    });
  });

  it('reaches writes only when allowed, and keeps to its cap, oldest first', async () => {
    const { server: s } = await serverRunning(scene());
    const writesToo = await mongoKillLongOps.plan(settings(s, { allowWrites: true, maxOps: 2 }), ctx);
    expect((writesToo.change.operations as { opid: number }[]).map((o) => o.opid)).toEqual([503, 504]);
  });

  it('spares an operation that ended between plan and action', async () => {
    const { server: s, running, killed } = await serverRunning(scene());
    const chosen = settings(s, { namespaces: ['orders.items'] });
    const plan = await mongoKillLongOps.plan(chosen, ctx);
    running.splice(0, 1); // 501 finished on its own
    expect(await mongoKillLongOps.execute(chosen, plan, ctx)).toBe('none of the planned operations still ran; nothing killed');
    expect(killed()).toEqual([]);
  });

  it('refuses when nothing qualifies: system operations are never candidates', async () => {
    const { server: s } = await serverRunning(systemOps);
    await expect(mongoKillLongOps.plan(settings(s), ctx)).rejects.toThrow('no operation running over 60 s matches; nothing to kill');
  });

  it('rejects a namespace that is not database.collection, naming the field', () => {
    const parsed = mongoKillLongOps.settings.safeParse({ target: 'db:27017', password: { value: 'pw' }, namespaces: ['orders'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['namespaces', 0], message: 'expected "database.collection" or "database.*"' });
  });
});
