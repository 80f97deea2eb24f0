import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate, daysFrom } from '../../app/local/certificates.js';
import { redisServerBin, startLocalRedis, type LocalRedis } from '../../app/local/redis.js';
import { runOne } from '../support/checks.js';
import { parseConfig } from '../../shared/config/load.js';
import { runChecks } from '../../shared/engine/runner.js';
import { probeRegistry } from '../../shared/probes/index.js';

// Against real redis-server processes on loopback ports (Debian's package), as the guides' questions ask them.

const PASSWORD = 'rds-Pw-7fQk2LmZx9';
const hasRedis = Boolean(redisServerBin());
const run = (target: string, extra: object = {}) => runOne({ kind: 'redis', target, ...extra } as never);
/** Latency is not what these tests hold: a PING slower than the default 50 ms on a busy machine would make them flap. */
const patient = { thresholds: { latencyMs: { warn: 5000, fail: 5000 } } };

async function connect(target: string) {
  const [host, port] = target.split(':');
  const client = createClient({ socket: { host, port: Number(port) } });
  await client.connect();
  return client;
}

/** Writes and reads as an application would, on its own connection. */
async function fill(target: string, fn: (c: Awaited<ReturnType<typeof connect>>) => Promise<unknown>) {
  const client = await connect(target);
  try {
    await fn(client);
  } finally {
    client.destroy();
  }
}

describe.skipIf(!hasRedis)('redis probe on a single server', () => {
  let redis: LocalRedis;
  beforeAll(async () => {
    redis = await startLocalRedis();
    await fill(redis.target, async (c) => {
      await c.configSet('maxmemory', String(64 * 1024 * 1024));
      for (let i = 0; i < 300; i++) await c.set(`session:${i}`, 'x', { EX: 3600 });
      for (let i = 0; i < 100; i++) await c.set(`cache:product:${i}`, 'y');
      await c.set('report:big', 'z'.repeat(2 * 1024 * 1024));
      await c.get('session:1');
      await c.get('session:nope');
    });
  });
  afterAll(() => redis?.stop());

  it('PINGs', async () => {
    expect(await run(redis.target, patient)).toMatchObject({ status: 'ok', summary: expect.stringMatching(/^PING [\d.]+ ms$/) });
  });

  it('reads used memory against maxmemory', async () => {
    const f = await run(redis.target, { measure: 'memory' });
    expect(f).toMatchObject({ status: 'ok', summary: expect.stringMatching(/^[\d.]+% of maxmemory \([\d.]+ MiB of 64 MiB, noeviction\)$/) });
    expect(await run(redis.target, { measure: 'memory', thresholds: { memoryPercent: { warn: 0.1, fail: 50 } } })).toMatchObject({ status: 'warn' });
  });

  it('counts keys without a TTL, over the whole keyspace when it is small', async () => {
    expect(await run(redis.target, { measure: 'ttl' })).toMatchObject({
      status: 'ok',
      summary: '25.2% of all 401 keys have no TTL, most under cache:*',
      observed: { sampled: 401 },
    });
    expect(await run(redis.target, { measure: 'ttl', sampleKeys: 50 })).toMatchObject({
      summary: expect.stringMatching(/% of a sample of 50 of 401 keys have no TTL/),
    });
  });

  it('finds the biggest key with MEMORY USAGE', async () => {
    const f = await run(redis.target, { measure: 'big-keys', thresholds: { bigKeyBytes: { warn: 1024 * 1024, fail: 100 * 1024 * 1024 } } });
    expect(f).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^biggest of all 401 keys: report:big at 2(\.\d)? MiB$/) });
  });

  it('shows a key that carries a token (a session id) by its shape, not whole', async () => {
    const sessionId = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b';
    await fill(redis.target, (c) => c.set(`session:${sessionId}`, 'x'.repeat(3 * 1024 * 1024)));
    try {
      const f = await run(redis.target, { measure: 'big-keys' });
      expect(f.summary).toMatch(/biggest of all \d+ keys: session:… \(40 chars\) at 3(\.\d)? MiB$/);
      expect(JSON.stringify(f)).not.toContain(sessionId.slice(0, 12));
    } finally {
      await fill(redis.target, (c) => c.del(`session:${sessionId}`));
    }
  });

  it('watches the hit rate and evictions over a short window', async () => {
    const lookups = fill(redis.target, async (c) => {
      for (let i = 0; i < 40; i++) await c.get(i % 4 === 0 ? 'absent' : `session:${i}`);
    });
    const f = await run(redis.target, { measure: 'hit-rate', sampleSeconds: 1 });
    await lookups;
    expect(f.status).toMatch(/ok|warn/);
    expect(f.summary).toMatch(/^hit rate [\d.]+% (over [\d.]+ s|since start) \(\d+ hits, \d+ misses\)$/);
    expect(await run(redis.target, { measure: 'evictions', sampleSeconds: 0.2 })).toMatchObject({
      status: 'ok',
      summary: expect.stringMatching(/^0 keys evicted per second/),
    });
  });

  it('reports clients, replication and fragmentation', async () => {
    expect(await run(redis.target, { measure: 'clients' })).toMatchObject({
      status: 'ok',
      summary: expect.stringMatching(/^\d+ clients connected, 0 blocked$/),
    });
    expect(await run(redis.target, { measure: 'replication' })).toMatchObject({ status: 'ok', summary: 'primary with no replicas' });
    expect((await run(redis.target, { measure: 'fragmentation' })).summary).toMatch(/^fragmentation ratio [\d.]+/);
  });

  it('fails, saying why, when nothing listens', async () => {
    expect(await run('127.0.0.1:1')).toMatchObject({ status: 'fail', summary: expect.stringContaining('cannot connect') });
  });
});

describe.skipIf(!hasRedis)('redis probe on a keyspace built to be unhealthy', () => {
  // 40,000 keys; a 2.7 MiB hash far into SCAN's order; 5% of keys without a TTL, all under "orphan:".
  let redis: LocalRedis;
  let bigKey: string;
  beforeAll(async () => {
    redis = await startLocalRedis();
    await fill(redis.target, async (c) => {
      for (let batch = 0; batch < 40; batch++) {
        const multi = c.multi();
        for (let i = 0; i < 1000; i++) {
          const n = batch * 1000 + i;
          if (n % 20 === 0) multi.set(`orphan:${n}`, 'v');
          else multi.set(`cache:item:${n}`, 'v', { EX: 3600 });
        }
        await multi.exec();
      }
      // The key SCAN reaches after more than half the keyspace becomes the big one.
      const order: string[] = [];
      let cursor = '0';
      do {
        const reply = (await c.sendCommand(['SCAN', cursor, 'COUNT', '1000'])) as [string, string[]];
        cursor = String(reply[0]);
        order.push(...reply[1].map(String));
      } while (cursor !== '0');
      bigKey = order.find((k, i) => i > 22_000 && k.startsWith('cache:'))!;
      await c.del(bigKey);
      const fields: Record<string, string> = {};
      for (let i = 0; i < 2700; i++) fields[`field:${i}`] = 'x'.repeat(1000);
      await c.hSet(bigKey, fields);
      await c.expire(bigKey, 3600);
    });
  }, 60_000);
  afterAll(() => redis?.stop());

  it('finds the big key wherever SCAN reaches it, walking the whole keyspace', async () => {
    const f = await run(redis.target, { measure: 'big-keys', thresholds: { bigKeyBytes: { warn: 1024 * 1024, fail: 100 * 1024 * 1024 } }, timeoutMs: 20_000 });
    expect(f).toMatchObject({ status: 'warn', summary: expect.stringMatching(new RegExp(`^biggest of all 40000 keys: ${bigKey} at 2\\.\\d MiB$`)) });
  });

  it('never says ok of a walk that could not reach every key: it says what share it saw', async () => {
    const f = await run(redis.target, { measure: 'big-keys', sampleKeys: 1000 });
    expect(f).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(
        /^saw 1000 of 40000 keys \(2\.5%\), the biggest .* at [\d.]+ MiB; a bigger key may be among the rest: raise sampleKeys or timeoutMs$/,
      ),
    });
  });

  it('names the keys without a TTL and their prefixes, so the on-call can act', async () => {
    const f = await run(redis.target, { measure: 'ttl', timeoutMs: 20_000 });
    expect(f).toMatchObject({ status: 'ok', summary: '5% of all 40000 keys have no TTL, most under orphan:*', observed: { noTtlPercent: 5 } });
    expect(f.evidence).toMatchObject({ prefixes: { 'orphan:': 2000 }, examples: expect.arrayContaining([expect.stringMatching(/^orphan:\d+$/)]) });
  });

  it("leaves Vigil's own sampling out of the hit rate it reports", async () => {
    const config = parseConfig({
      checks: [
        { id: 'cache-hit-rate', kind: 'redis', target: redis.target, measure: 'hit-rate', sampleSeconds: 2, timeoutMs: 20_000 },
        { id: 'cache-ttl', kind: 'redis', target: redis.target, measure: 'ttl', timeoutMs: 20_000 },
      ],
    });
    // The application: 30 hits and 30 misses while the window is open.
    const app = (async () => {
      await new Promise((r) => setTimeout(r, 300));
      await fill(redis.target, async (c) => {
        for (let i = 0; i < 60; i++) await c.get(i % 2 ? 'absent:key' : `orphan:${i * 20}`);
      });
    })();
    const [hitRate] = await runChecks(config.checks, { probes: probeRegistry, concurrency: 2, defaultTimeoutMs: 20_000 });
    await app;
    expect(hitRate).toMatchObject({
      summary: expect.stringMatching(/^hit rate 50% over [\d.]+ s \(30 hits, 30 misses; Vigil's own 40000 lookups left out\)$/),
      status: 'fail',
    });
  });
});

describe.skipIf(!hasRedis)('redis probe with AUTH, ACL users and TLS', () => {
  let auth: LocalRedis;
  let tls: LocalRedis;
  let caFile: string;
  beforeAll(async () => {
    const cert = await issueCertificate({ notBefore: daysFrom(new Date(), -1), notAfter: daysFrom(new Date(), 30) });
    caFile = join(mkdtempSync(join(tmpdir(), 'vigil-ca-')), 'ca.pem');
    writeFileSync(caFile, cert.ca);
    [auth, tls] = await Promise.all([
      startLocalRedis({ password: PASSWORD, aclUser: { name: 'vigil', password: 'acl-Pw-3kQ9zLm2' } }),
      startLocalRedis({ tls: cert }),
    ]);
  });
  afterAll(async () => Promise.all([auth?.stop(), tls?.stop()]));

  it('authenticates with a password from the environment, and as an ACL user', async () => {
    process.env.VIGIL_TEST_REDIS_PASSWORD = PASSWORD;
    expect(await run(auth.target, { ...patient, password: { env: 'VIGIL_TEST_REDIS_PASSWORD' } })).toMatchObject({ status: 'ok' });
    expect(await run(auth.target, { ...patient, user: 'vigil', password: { value: 'acl-Pw-3kQ9zLm2' } })).toMatchObject({ status: 'ok' });
  });

  it('reads the password from Secrets Manager, and once more after a rotation', async () => {
    const asked: boolean[] = [];
    const secrets = {
      getSecret: async (_id: string, fresh: boolean) => {
        asked.push(fresh);
        return fresh ? JSON.stringify({ password: PASSWORD }) : 'the-old-Pw-before-rotation';
      },
    };
    const f = await runOne({ kind: 'redis', target: auth.target, password: { secret: 'orders-cache-auth' }, ...patient } as never, {
      aws: { secrets } as never,
    });
    expect(f).toMatchObject({ status: 'ok' });
    expect(asked).toEqual([false, true]);
    expect(JSON.stringify(f)).not.toContain('the-old-Pw-before-rotation');
  });

  it('fails on a wrong password without showing it, and on none', async () => {
    const wrong = await run(auth.target, { password: { value: 'not-the-Pw-8812' } });
    expect(wrong).toMatchObject({ status: 'fail', summary: expect.stringMatching(/WRONGPASS|invalid username-password/) });
    expect(JSON.stringify(wrong)).not.toContain('not-the-Pw-8812');
    expect(await run(auth.target, { measure: 'memory' })).toMatchObject({ status: 'fail', summary: expect.stringContaining('NOAUTH') });
  });

  it('names the ACL permission a user lacks, as an error: a check that cannot look never passes or pages as down', async () => {
    const admin = createClient({ socket: { host: '127.0.0.1', port: auth.ports[0]! }, password: PASSWORD });
    await admin.connect();
    await admin.sendCommand(['ACL', 'SETUSER', 'no-info', 'on', '>no-info-Pw-41', '~*', '+@all', '-info']);
    await admin.sendCommand(['ACL', 'SETUSER', 'orders-only', 'on', '>orders-Pw-77', '~orders:*', '+@all']);
    await admin.set('session:abc', 'x');
    admin.destroy();
    expect(await run(auth.target, { user: 'no-info', password: { value: 'no-info-Pw-41' }, measure: 'memory' })).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(/NOPERM.*'info'.*ACL SETUSER no-info \+info/),
    });
    expect(await run(auth.target, { user: 'orders-only', password: { value: 'orders-Pw-77' }, measure: 'ttl' })).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(/^setup error: NOPERM.*ACL SETUSER orders-only/),
    });
  });

  it('speaks TLS, trusting the given CA, and refuses an untrusted one', async () => {
    expect(await run(tls.target, { ...patient, tls: true, caBundle: caFile })).toMatchObject({ status: 'ok' });
    expect(await run(tls.target, { tls: true })).toMatchObject({ status: 'fail' });
  });
});

describe.skipIf(!hasRedis)('redis probe in cluster mode', () => {
  let cluster: LocalRedis;
  beforeAll(async () => {
    cluster = await startLocalRedis({ shards: 3 });
    // One big key on whichever shard owns it.
    const [host, port] = cluster.target.split(':');
    const { createCluster } = await import('@redis/client');
    const c = createCluster({ rootNodes: [{ socket: { host, port: Number(port) } }] });
    await c.connect();
    for (let i = 0; i < 60; i++) await c.set(`cache:item:${i}`, 'v');
    await c.set('report:{big}', 'z'.repeat(3 * 1024 * 1024));
    c.destroy();
  }, 30_000);
  afterAll(() => cluster?.stop());

  it('reads every shard and names the worst', async () => {
    const f = await run(cluster.target, { cluster: true, measure: 'big-keys', thresholds: { bigKeyBytes: { warn: 1024 * 1024, fail: 100 * 1024 * 1024 } } });
    expect(f).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/^3 shards; worst 127\.0\.0\.1:\d+: biggest of all \d+ keys: report:\{big\} at 3(\.\d)? MiB$/),
      observed: { shards: 3 },
    });
    expect((f.evidence!.shards as { node: string }[]).map((s) => s.node).sort()).toEqual(cluster.ports.map((p) => `127.0.0.1:${p}`).sort());
    expect(await run(cluster.target, { cluster: true, measure: 'ttl' })).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^3 shards; worst .*100% of all \d+ keys have no TTL, most under cache:\*$/),
    });
  });
});
