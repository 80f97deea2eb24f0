import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigilIn } from '../support/vigil-process.js';
import { redisServerBin, startLocalRedis, type LocalRedis } from '../../app/local/redis.js';

// A remediation by hand from a terminal, each step a process: the dry run, then the action, against a real redis-server.

let dir: string;
let redis: LocalRedis;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  if (!redisServerBin()) return;
  redis = await startLocalRedis();
  client = createClient({ socket: { host: redis.host, port: redis.ports[0]! } });
  await client.connect();
  for (let i = 0; i < 30; i++) await client.set(`cache:product:${i}`, 'stale');
  await client.set('session:1', 'keep');
  dir = mkdtempSync(join(tmpdir(), 'vigil-remediate-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const config = {
    checks: [{ id: 'cache', kind: 'redis', target: redis.target }],
    remediations: [{ id: 'clear-product-cache', kind: 'redis-delete-keys', target: redis.target, pattern: 'cache:product:*' }],
  };
  writeFileSync(join(dir, 'vigil.config.ts'), `export default ${JSON.stringify(config)};`);
});
afterAll(async () => {
  client?.destroy();
  await redis?.stop();
});

const vigil = vigilIn(() => dir);

describe.skipIf(!redisServerBin())('vigil remediate', () => {
  it('dry-runs by default, changing nothing, then acts with --act and a reason', async () => {
    const dry = await vigil('remediate', 'clear-product-cache');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^clear-product-cache on redis:127\.0\.0\.1:\d+.* \(dry run: nothing changed\): /);
    expect(dry.stdout).toMatch(/plan: +unlink 30 keys matching "cache:product:\*"/);
    expect(dry.stdout).toContain('act with: --act --reason "why"');
    expect(await client.dbSize()).toBe(31);

    expect((await vigil('remediate', 'clear-product-cache', '--act')).stderr).toContain('--reason is required with --act');
    const acted = await vigil('remediate', 'clear-product-cache', '--act', '--reason', 'stale prices after the import', '--by', 'alice', '--json');
    expect(acted.code).toBe(0);
    expect(JSON.parse(acted.stdout)).toMatchObject({ remediation: 'clear-product-cache', dryRun: false, outcome: 'acted' });
    expect(await client.dbSize()).toBe(1);
  }, 120_000);

  it('names the fix for what it cannot send', async () => {
    expect((await vigil('remediate')).stderr).toContain('name one remediation');
    expect((await vigil('approve', 'p-1', '--reason', 'x')).stderr).toContain('--remediation is required');
    const unknown = await vigil('remediate', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toMatch(/^error: /);
  }, 60_000);
});
