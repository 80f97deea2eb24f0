import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigilIn } from '../support/vigil-process.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';

// A deploy job silences its service with `vigil silence`, runs its rounds, and lifts it: each a process, as CI runs them.

let dir: string;
let api: LocalTarget;

beforeAll(async () => {
  api = await startHttpTarget((_, res) => res.writeHead(503).end());
  dir = mkdtempSync(join(tmpdir(), 'vigil-silence-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const check = (id: string, service: string) => ({
    id,
    kind: 'http',
    target: `http://127.0.0.1:${api.port}/${id}`,
    tags: { service },
    incident: { failureThreshold: 1 },
  });
  writeFileSync(
    join(dir, 'vigil.config.ts'),
    `export default ${JSON.stringify({ checks: [check('orders-api', 'orders'), check('orders-web', 'orders'), check('search-api', 'search')] })};`,
  );
  writeFileSync(join(dir, 'round.json'), JSON.stringify({ checks: ['orders-api', 'orders-web', 'search-api'] }));
});
afterAll(() => api?.close());

const vigil = vigilIn(() => dir);
const sent = () =>
  existsSync(join(dir, '.vigil', 'notifications.jsonl'))
    ? readFileSync(join(dir, '.vigil', 'notifications.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { subject: string }).subject)
    : [];

describe('vigil silence, as a deploy step', () => {
  it('silences every check of a service for the deploy, and the lift brings back what still fails', async () => {
    const silenced = await vigil('silence', '--tag', 'service=orders', '--for', '30m', '--reason', 'deploying orders v1.4.2', '--by', 'ci');
    expect(silenced.code).toBe(0);
    expect(silenced.stdout).toMatch(/^2 checks tagged service=orders silenced until /);

    await vigil('invoke', 'run-checks', '--event', join(dir, 'round.json'));
    expect(sent()).toEqual([expect.stringMatching(/^\[P3\]\[OPEN\] search-api: HTTP 503/)]);

    const lifted = await vigil('unsilence', '--tag', 'service=orders', '--reason', 'deployed', '--by', 'ci');
    expect(lifted.stdout).toContain('silence on service=orders lifted');
    await vigil('invoke', 'run-checks', '--event', join(dir, 'round.json'));
    expect(sent().slice(1).sort()).toEqual([expect.stringMatching(/^\[P3\]\[OPEN\] orders-api: /), expect.stringMatching(/^\[P3\]\[OPEN\] orders-web: /)]);
  }, 120_000);

  it('refuses a request it cannot send, naming the option and the fix', async () => {
    const noReason = await vigil('silence', '--tag', 'service=orders');
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason is required: say why, e\.g\. --reason "deploying orders v1\.4\.2"/);
    const badTag = await vigil('silence', '--tag', 'orders', '--reason', 'deploy');
    expect(badTag.code).toBe(2);
    expect(badTag.stderr).toContain('--tag orders: expected key=value, e.g. --tag service=orders');
    const unknown = await vigil('silence', '--tag', 'service=billing', '--reason', 'deploy');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain('no check has the tags service=billing');
  }, 60_000);
});
