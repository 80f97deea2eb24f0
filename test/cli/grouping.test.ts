import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';

// Four checks of one service fail at once, with nothing to say which caused it: one message names them all,
// its acknowledgement covers them, and each resolves on its own. Each step is a `vigil invoke` process.

const run = promisify(execFile);
const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
const CHECKS = ['orders-home', 'orders-cart', 'orders-checkout', 'orders-search'];

let dir: string;
let api: LocalTarget;
let up = false;

beforeAll(async () => {
  api = await startHttpTarget((_, res) => res.writeHead(up ? 200 : 503).end());
  dir = mkdtempSync(join(tmpdir(), 'vigil-grouping-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const checks = CHECKS.map((id) => ({ id, kind: 'http', target: `http://127.0.0.1:${api.port}/${id}`, severity: 'P2', group: 'orders' }));
  writeFileSync(join(dir, 'vigil.config.ts'), `export default ${JSON.stringify({ checks })};`);
});
afterAll(() => api?.close());

const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_REGION: 'eu-west-1' };
const invoke = async (fn: string, event: object) => {
  const file = join(dir, `${fn}.json`);
  writeFileSync(file, JSON.stringify(event));
  const { stdout } = await run(process.execPath, [VIGIL, 'invoke', fn, '--event', file], { cwd: dir, env, timeout: 60_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
};
/** The same, the event piped in: `--event -`. */
const invokeFromStdin = async (fn: string, event: object) => {
  const running = run(process.execPath, [VIGIL, 'invoke', fn, '--event', '-'], { cwd: dir, env, timeout: 60_000 });
  running.child.stdin!.end(JSON.stringify(event));
  return JSON.parse((await running).stdout) as Record<string, unknown>;
};
const sent = () =>
  readFileSync(join(dir, '.vigil', 'notifications.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { subject: string; body: string });

describe('incidents of one group opening together', () => {
  it('go out as one message naming them all; acknowledging it covers them; each resolves on its own', async () => {
    for (let i = 0; i < 2; i++) await invoke('run-checks', { group: 'orders' });
    const [open, ...others] = sent();
    expect(others).toEqual([]);
    expect(open!.subject).toBe('[P2][OPEN] 4 checks of orders failing: orders-home: HTTP 503 (expected 200) for 2 checks');
    expect(open!.body).toContain('Failing with it, of its group orders (3); told here, not paged on their own:');
    for (const id of CHECKS.slice(1)) expect(open!.body).toContain(`  - ${id}: HTTP 503 (expected 200)`);
    expect(open!.body).toContain('Acknowledging or silencing it covers the 3 told with it.');

    const ack = await invokeFromStdin('incidents', { op: 'ack', incident: 'orders-home/1', by: 'alice', reason: 'on it' });
    expect(ack.done).toBe('orders-home/1 acknowledged by alice, with the 3 told with it (orders-cart, orders-checkout, orders-search)');
    const list = (await invoke('incidents', { op: 'list' })) as { incidents: { id: string; state: string }[] };
    expect(list.incidents.map((i) => `${i.id} ${i.state}`).sort()).toEqual(CHECKS.map((id) => `${id}/1 acknowledged`).sort());

    up = true;
    for (let i = 0; i < 2; i++) await invoke('run-checks', { group: 'orders' });
    expect(sent().map((n) => n.subject.replace(/: .*/, ''))).toEqual([
      '[P2][OPEN] 4 checks of orders failing',
      '[P2][ACK] orders-home',
      '[P2][RESOLVED] orders-home',
    ]);
  }, 120_000);
});
