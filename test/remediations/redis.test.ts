import { createClient } from '@redis/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { redisServerBin, startLocalRedis, type LocalRedis } from '../../app/local/redis.js';
import { redisDeleteKeys } from '../../shared/remediations/redis-delete-keys.js';
import { systemClock } from '../../shared/clock.js';

// "Clear a key pattern", against a real redis-server: what the dry run lists is what goes, within the caps; never everything.

let redis: LocalRedis;
let client: ReturnType<typeof createClient>;
const ctx = { aws: {} as never, clock: systemClock };

beforeAll(async () => {
  if (!redisServerBin()) return;
  redis = await startLocalRedis();
  client = createClient({ socket: { host: redis.host, port: redis.ports[0]! } });
  await client.connect();
});
afterAll(async () => {
  client?.destroy();
  await redis?.stop();
});
beforeEach(async () => {
  if (!client) return;
  await client.flushAll();
  for (let i = 0; i < 250; i++) await client.set(`cache:product:${i}`, 'stale');
  for (let i = 0; i < 20; i++) await client.set(`session:${i}`, 'keep');
});

const settings = (extra: object = {}) => redisDeleteKeys.settings.parse({ target: redis.target, pattern: 'cache:product:*', ...extra });

describe.skipIf(!redisServerBin())('redis-delete-keys', () => {
  it('plans with a count and a sample, then unlinks exactly the matching keys', async () => {
    const s = settings();
    const plan = await redisDeleteKeys.plan(s, ctx);
    expect(plan.summary).toMatch(/^unlink 250 keys matching "cache:product:\*" on 127\.0\.0\.1:\d+, e\.g\. cache:product:\d+(, cache:product:\d+){4}$/);
    expect(plan.change).toMatchObject({ planned: 250, sample: expect.arrayContaining([expect.stringMatching(/^cache:product:/)]) });
    expect(await client.dbSize()).toBe(270);
    expect(await redisDeleteKeys.execute(s, plan, ctx)).toMatch(/^unlinked 250 keys matching "cache:product:\*"/);
    expect(await client.dbSize()).toBe(20);
    expect(await client.keys('session:*')).toHaveLength(20);
    expect(await redisDeleteKeys.reconcile(s, plan, ctx)).toMatchObject({ applied: 'yes' });
  });

  it('lists keys that carry tokens by their shape in the plan, which goes to notifications', async () => {
    await client.flushAll();
    await client.set('session:tok:a1b2c3d4e5f6a7b8c9d0e1f2', 'x');
    const plan = await redisDeleteKeys.plan(settings({ pattern: 'session:*' }), ctx);
    expect(plan.summary).toMatch(/e\.g\. session:tok:… \(24 chars\)$/);
    expect(JSON.stringify(plan)).not.toContain('a1b2c3d4e5f6');
  });

  it('stops at maxKeys and says more match', async () => {
    const s = settings({ maxKeys: 100 });
    const plan = await redisDeleteKeys.plan(s, ctx);
    expect(plan.summary).toMatch(/^unlink 100 keys .*\(the first 100 found; more match\)/);
    await redisDeleteKeys.execute(s, plan, ctx);
    expect(await client.dbSize()).toBe(170);
  });

  it('reads back whether the keys went, after a lost answer', async () => {
    const s = settings();
    const plan = await redisDeleteKeys.plan(s, ctx);
    expect(await redisDeleteKeys.reconcile(s, plan, ctx)).toEqual({ applied: 'no', detail: '250 keys still match "cache:product:*"' });
  });

  it('refuses when nothing matches', async () => {
    await expect(redisDeleteKeys.plan(settings({ pattern: 'cache:none:*' }), ctx)).rejects.toThrow(/no keys match "cache:none:\*"/);
  });

  it('never takes a pattern that names everything, naming the field: only characters that match themselves, at its start, count', () => {
    const config = (pattern: string) =>
      parseConfig({
        checks: [{ id: 'x', kind: 'tcp', target: 'db:5432' }],
        remediations: [{ id: 'clear', kind: 'redis-delete-keys', target: '127.0.0.1:6379', pattern }],
      });
    for (const p of ['*', '**', '?*', '[a-z]*', 'a*', '[^xyz]*', '[a-zA-Z]*', 'c?c*', '*:session:*', '[c]ache:*', 'ca\\', 'ab[c]*'])
      expect(() => config(p), p).toThrow(/remediations\[0\]\.pattern: name the keys: start with at least 3 characters that match only themselves/);
    for (const p of ['cache:*', 'cache:product:[0-9]*', 'ses\\*ion:*']) expect(() => config(p), p).not.toThrow();
  });

  it('spares every key outside its literal prefix on a real server, whatever the rest of the pattern says', async () => {
    await client.flushAll();
    for (let i = 0; i < 200; i++) await client.set(`cache:product:${i}`, 'stale');
    for (let i = 0; i < 50; i++) await client.set(`cachet:${i}`, 'keep');
    const keep = ['session:1', 'user:42', 'orders:queue', 'xyz', 'cache'];
    for (const k of keep) await client.set(k, 'keep');
    const s = settings({ pattern: 'cache:[^xyz]*' });
    const plan = await redisDeleteKeys.plan(s, ctx);
    expect(plan.change).toMatchObject({ planned: 200 });
    await redisDeleteKeys.execute(s, plan, ctx);
    expect(await client.dbSize()).toBe(50 + keep.length);
    for (const k of keep) expect(await client.exists(k), k).toBe(1);
  });
});
