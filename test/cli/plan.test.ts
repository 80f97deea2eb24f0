import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { deployTraps, hostOf } from '../../shared/config/deploy-traps.js';

const run = promisify(execFile);
const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A config that loads, and that a deploy would trip on in every way `vigil plan` knows. */
const traps = {
  checks: [
    { id: 'api-local', kind: 'http', target: 'http://localhost:8080/health' },
    { id: 'db-private', kind: 'pg', target: '10.0.3.7:5432/orders', user: 'vigil', password: { env: 'ORDERS_DB_PASSWORD' }, ssl: 'disable' },
    { id: 'db-in-vpc', kind: 'tcp', target: '10.0.3.8:5432', network: 'vpc' },
    { id: 'public', kind: 'tcp', target: 'api.example.com:443' },
  ],
  network: { vpcId: 'vpc-0a1b2c3d', subnets: [{ id: 'subnet-0a1b2c3d', availabilityZone: 'eu-west-1a' }] },
  remediations: [{ id: 'restart', kind: 'ecs-restart', target: 'prod/orders-api' }],
  alarms: [{ id: 'orders-5xx', preset: 'alb-5xx-rate', target: 'app/orders/0123456789abcdef', threshold: 5 }],
  runbooks: [{ id: 'restart-on-5xx', match: { alarmNames: ['orders-5xx', 'made-elsewhere'] }, steps: [{ act: 'restart' }] }],
};

describe('what only a deploy would hit', () => {
  it.each([
    ['https://api.example.com/health', 'api.example.com'],
    ['10.0.3.7:5432/orders', '10.0.3.7'],
    ['[::1]:6379', '::1'],
    ['localhost:8080', 'localhost'],
  ])('reads the host of %s', (target, host) => expect(hostOf(target)).toBe(host));

  it('names each trap, where it is and what to do, and leaves alone what is fine', () => {
    const found = deployTraps(parseConfig(traps)).map((t) => `${t.path}: ${t.message.split(':')[0]}`);
    expect(found).toEqual([
      'checks[0] (api-local): its target localhost is a loopback name',
      'checks[1] (db-private): its target 10.0.3.7 is a private address',
      'checks[1] (db-private): ssl',
      'checks[1] (db-private).password: reads ORDERS_DB_PASSWORD from the environment',
      'runbooks[0] (restart-on-5xx): answers "made-elsewhere", which this config does not create',
      'alarms: 1 alarm keeps its name in every environment (orders-5xx)',
    ]);
  });
});

describe('vigil plan, as a process', () => {
  it('prints what the sample deploys, with no trap', async () => {
    const { stdout } = await run(process.execPath, [VIGIL, 'plan'], { cwd: ROOT, timeout: 60_000 });
    expect(stdout).toMatch(/^vigil\.config\.ts: \d+ checks, \d+ remediations, \d+ runbooks, \d+ alarms/);
    expect(stdout).toMatch(
      /Functions \(9\): dispatch, run-checks, notify, incidents, on-alarm, remediate, heartbeat \(a function URL\), region-probe \(in ap-southeast-1\), region-probe \(in us-east-1\)/,
    );
    // One schedule per expression; under each, its run-checks invocations and their checks.
    expect(stdout).toMatch(
      /Schedules \(7\), each starting run-checks once per bucket of up to 50 checks:\n {2}rate-1-minute-[0-9a-f]{8} {2}rate\(1 minute\) {2}\d+ checks in \d+ invocations\n {4}api-health\n/,
    );
    expect(stdout).toMatch(/Estimated cost: about \$\d+\.\d\d a month for [\d,]+ check runs/);
    // Each runbook by what starts it, a schedule with its zone.
    expect(stdout).toContain('  billing-db-monthly-maintenance: on schedule cron(0 2 15 * ? *) UTC; precheck → act → act → verify → escalate');
    expect(stdout).toContain('  orders-api-over-provisioned: on alarm orders-api-cpu-low; diagnose → act → verify');
    expect(stdout).toMatch(/Status page \(\d+ components: api, orders[^)]*\): a private bucket\n/);
    expect(stdout).toContain('Stakeholder updates: P1 every 15 min, P2 every 60 min; escalation: escalations');
    expect(stdout).toContain('Hand-offs: every transition as an event on the bus vigil-<env>-incidents');
  }, 60_000);

  it('prints every trap of a config that only a deploy would trip on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-plan-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(dir, 'traps.config.ts'), `export default ${JSON.stringify(traps)};`);
    const { stdout } = await run(process.execPath, [VIGIL, 'plan', '--config', 'traps.config.ts'], { cwd: dir, timeout: 60_000 });
    expect(stdout).toContain('Functions (7): dispatch, run-checks, run-checks (in the VPC), notify, incidents, on-alarm, remediate');
    expect(stdout).toContain('6 to look at before deploying:');
    expect(stdout).toContain(
      "  - checks[0] (api-local): its target localhost is a loopback name: a function outside your VPC cannot reach it; set network: 'vpc'",
    );
    expect(stdout).toContain('ORDERS_DB_PASSWORD');
    expect(stdout.trim().split('\n').at(-1)).toBe('Deploy it: npx cdk deploy --all -c config=traps.config.ts -c environment=<name>');
  }, 60_000);

  it('keeps the plan of 5,000 checks a page long: each schedule, its first invocations, and how many more', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-plan-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const checks = Array.from({ length: 5000 }, (_, i) => ({ id: `svc-${i}`, kind: 'tcp', target: `svc-${i}.example.com:443`, schedule: 'rate(1 minute)' }));
    writeFileSync(join(dir, 'many.config.ts'), `export default ${JSON.stringify({ checks })};`);
    const { stdout } = await run(process.execPath, [VIGIL, 'plan', '--config', 'many.config.ts'], { cwd: dir, timeout: 60_000 });
    expect(stdout).toMatch(/rate-1-minute-[0-9a-f]{8} {2}rate\(1 minute\) {2}5000 checks in 100 invocations\n/);
    expect(stdout).toContain('    … and 80 more invocations of up to 50 checks');
    expect(stdout.split('\n').length).toBeLessThan(60);
  }, 60_000);
});
