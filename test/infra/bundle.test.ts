import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { bundle, NODE_OPTIONS, type Driver } from '../../infra/bundle.js';
import { redisServerBin, startLocalRedis } from '../../app/local/redis.js';
import { needsOf } from '../../infra/needs.js';
import { parseConfig } from '../../shared/config/load.js';
import rawConfig from '../../vigil.config.js';

const config = parseConfig(rawConfig);

const dirs: string[] = [];
const outdir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bundle-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every file of code in a bundle, concatenated. */
const codeOf = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');

/** Builds run-checks with `config`, then runs one of its checks from the bundle in a fresh Node process. */
async function runBuilt(built: typeof config, drivers: Driver[], checkId: string) {
  const bundled = await bundle({ name: 'run-checks', outdir: outdir(), drivers, config: built });
  const run = `import(${JSON.stringify(bundled.outfile)}).then((m) => m.handler({ checks: [${JSON.stringify(checkId)}] })).then((r) => console.log(JSON.stringify(r)))`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', run], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(out.trim().split('\n').at(-1)!).findings as { checkId: string; status: string; summary: string }[];
}

describe('function bundles', () => {
  it('leave out the drivers a function does not need, and load those it needs only on first use', async () => {
    const without = outdir();
    await bundle({ name: 'run-checks', outdir: without, drivers: [], config });
    const withPg = outdir();
    const built = await bundle({ name: 'run-checks', outdir: withPg, drivers: ['pg'], config });

    expect(codeOf(without)).not.toContain('SCRAM-SERVER-FINAL-MESSAGE'); // pg's SASL code
    expect(codeOf(without)).not.toContain('MongoServerSelectionError');
    expect(codeOf(withPg)).toContain('SCRAM-SERVER-FINAL-MESSAGE');
    // The entry (what a cold start loads) does not carry the driver; a chunk does.
    expect(readFileSync(built.outfile, 'utf8')).not.toContain('SCRAM-SERVER-FINAL-MESSAGE');
    expect(built.totalBytes).toBeGreaterThan(built.entryBytes);
  }, 60_000);

  it("carry zod's English messages and none of its other locales", async () => {
    const dir = outdir();
    await bundle({ name: 'incidents', outdir: dir, drivers: [], config });
    const code = codeOf(dir);
    expect(code).toContain('Invalid input');
    expect(code).not.toContain('Ungültige Eingabe');
  }, 60_000);

  it('run the config the stack was synthesized from, not the one beside the code', async () => {
    const planned = parseConfig({ checks: [{ id: 'planned-by-the-stack', kind: 'tcp', target: '127.0.0.1:1' }] });
    const [finding] = await runBuilt(planned, [], 'planned-by-the-stack');
    expect(finding).toMatchObject({ checkId: 'planned-by-the-stack', summary: expect.stringMatching(/connection refused/) });
  }, 60_000);

  it.each([
    { driver: 'pg' as const, check: { id: 'orders-db', kind: 'pg', target: '127.0.0.1:1/orders', password: { value: 'not-a-secret' }, ssl: 'disable' } },
    // Its driver parses the address with Node's own URL class in the bundle (infra/bundle.ts, nativeUrl).
    { driver: 'mongodb' as const, check: { id: 'orders-mongo', kind: 'mongo', target: '127.0.0.1:1', password: { value: 'not-a-secret' }, tls: false } },
  ])(
    'load the $driver driver on first use and reach a server with it',
    async ({ driver, check }) => {
      const [finding] = await runBuilt(parseConfig({ checks: [check] }), [driver], check.id);
      expect(finding).toMatchObject({ checkId: check.id, status: 'fail', summary: expect.stringMatching(/connection refused/) });
    },
    60_000,
  );

  it.skipIf(!redisServerBin())(
    'load the Redis client on first use and measure a real server with it',
    async () => {
      const redis = await startLocalRedis();
      try {
        const check = { id: 'orders-cache', kind: 'redis', target: redis.target, measure: 'memory' };
        const [finding] = await runBuilt(parseConfig({ checks: [check] }), ['@redis/client'], check.id);
        expect(finding).toMatchObject({ checkId: 'orders-cache', status: 'warn', summary: expect.stringMatching(/no maxmemory set/) });
      } finally {
        await redis.stop();
      }
    },
    60_000,
  );

  it('load no probe or remediation at a cold start: each kind the function runs is a chunk loaded on first use, and the others are not in it', async () => {
    const dir = outdir();
    const apiOnly = { ...config, checks: config.checks.filter((c) => c.id === 'api-health') };
    const { outfile } = await bundle({ name: 'run-checks', outdir: dir, drivers: [], kinds: ['http'], config: apiOnly });
    const entry = readFileSync(outfile, 'utf8');
    const http = 'Requests a URL; checks status code, latency and the JSON health payload.';
    expect(entry).not.toContain(http);
    expect(codeOf(dir)).toContain(http);
    expect(codeOf(dir)).not.toContain('Opens a TLS connection; checks days to certificate expiry');
    // The loaded chunk runs the check as the registry would (the target does not resolve here: a failure, not an error).
    const run = `import(${JSON.stringify(outfile)}).then((m) => m.handler({ checks: ['api-health'] })).then((r) => console.log(JSON.stringify(r)))`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', run], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    const [finding] = JSON.parse(out.trim().split('\n').at(-1)!).findings as { status: string; summary: string }[];
    expect(finding!.status, finding!.summary).toBe('fail');
  }, 60_000);

  it('leave out the AWS SDK clients no check or remediation calls', async () => {
    const none = outdir();
    await bundle({ name: 'run-checks', outdir: none, drivers: [], aws: [], config });
    const ecsOnly = outdir();
    await bundle({ name: 'run-checks', outdir: ecsOnly, drivers: [], aws: ['ecs'], config });
    const ecsClient = 'AmazonEC2ContainerServiceV20141113'; // the ECS API's target prefix
    expect(codeOf(none)).not.toContain(ecsClient);
    expect(codeOf(none)).toContain('this function was built without the');
    expect(codeOf(ecsOnly)).toContain(ecsClient);
    // The CloudWatch client's own API version (the probe's IAM declaration names GetMetricData too).
    expect(codeOf(ecsOnly)).not.toContain('GraniteServiceVersion20100801');
    const withMetrics = outdir();
    await bundle({ name: 'run-checks', outdir: withMetrics, drivers: [], aws: ['metrics'], config });
    expect(codeOf(withMetrics)).toContain('GraniteServiceVersion20100801');
  }, 60_000);

  it("name Vigil's own source file and line in a stack trace, run as deployed", async () => {
    const dir = outdir();
    const { outfile } = await bundle({ name: 'run-checks', outdir: dir, drivers: [], config });
    // An event whose field throws when read: the stack passes through the bundle's event validation.
    const run = `import(${JSON.stringify(outfile)}).then((m) => m.handler({ get group() { throw new Error('boom'); } })).catch((err) => console.log(err.stack))`;
    const stack = execFileSync(process.execPath, [...NODE_OPTIONS.split(' '), '--input-type=module', '-e', run], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(stack).toMatch(/shared\/events\/validate\.ts:\d+/);
    // The map carries the mappings, not a second copy of the sources.
    expect(JSON.parse(readFileSync(`${outfile}.map`, 'utf8'))).not.toHaveProperty('sourcesContent');
  }, 60_000);

  it('ship a CA bundle at the path the config gives, relative to the project', async () => {
    const dir = outdir();
    const pem = 'test/.tmp-global-bundle.pem';
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    try {
      await bundle({ name: 'incidents', outdir: dir, drivers: [], files: [pem], config });
      expect(readFileSync(join(dir, pem), 'utf8')).toContain('BEGIN CERTIFICATE');
    } finally {
      rmSync(pem);
    }
  }, 60_000);
});

describe('what a function needs', () => {
  it('names the drivers and SDK clients of its kinds and the relative CA bundles, once each', () => {
    const needs = needsOf([
      { kind: 'http' },
      { kind: 'pg', caBundle: 'certs/rds-global.pem', password: { secret: 'orders/db' } },
      { kind: 'pg-terminate-idle', caBundle: 'certs/rds-global.pem', password: { env: 'ORDERS_DB_PASSWORD' } },
      { kind: 'mongo', caBundle: '/opt/global-bundle.pem' },
      { kind: 'metric' },
    ]);
    expect(needs).toEqual({
      drivers: ['pg', 'mongodb'],
      aws: ['metrics', 'secrets'],
      files: ['certs/rds-global.pem'],
      kinds: ['http', 'metric', 'mongo', 'pg', 'pg-terminate-idle'],
    });
    expect(needsOf([{ kind: 'http' }, { kind: 'ecs-restart' }, { kind: 'docdb-snapshot' }, { kind: 'ecs-service' }])).toEqual({
      drivers: [],
      aws: ['docdb', 'ecs'],
      files: [],
      kinds: ['docdb-snapshot', 'ecs-restart', 'ecs-service', 'http'],
    });
  });
});
