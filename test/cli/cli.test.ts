import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../app/terminal/io.js';
import { main } from '../../app/cli/main.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';

function capture(): Io & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (t) => out.push(t), err: (t) => err.push(t), color: false, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

let api: LocalTarget;
let dir: string;
beforeAll(async () => {
  api = await startHttpTarget((req, res) => res.writeHead(req.url === '/up' ? 200 : 503).end());
  dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
});
afterAll(() => api.close());

function writeConfig(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

function config(checks: object[]): string {
  return writeConfig(`c${Math.random().toString(36).slice(2)}.config.ts`, `export default ${JSON.stringify({ checks })};`);
}

describe('vigil run', () => {
  it('prints a table and exits 0 when every check passes', async () => {
    const file = config([{ id: 'web', kind: 'http', target: `http://127.0.0.1:${api.port}/up` }]);
    const io = capture();
    expect(await main(['run', '--config', file, '--once'], io)).toBe(0);
    expect(io.stdout()).toMatch(/^STATUS +CHECK +TIME +SUMMARY\nok +web +\d+ ms +HTTP 200 in \d+ ms$/);
  });

  it('exits 1 when a check fails', async () => {
    const file = config([
      { id: 'up', kind: 'http', target: `http://127.0.0.1:${api.port}/up`, group: 'edge' },
      { id: 'down', kind: 'http', target: `http://127.0.0.1:${api.port}/down`, group: 'edge' },
    ]);
    const io = capture();
    expect(await main(['run', '--config', file, '--group', 'edge'], io)).toBe(1);
    expect(io.stdout()).toMatch(/FAIL +down .* HTTP 503 \(expected 200\)/);
  });

  it('runs only the checks named with --check, as JSON on request', async () => {
    const file = config([
      { id: 'up', kind: 'http', target: `http://127.0.0.1:${api.port}/up` },
      { id: 'down', kind: 'http', target: `http://127.0.0.1:${api.port}/down` },
    ]);
    const io = capture();
    expect(await main(['run', '--config', file, '--check', 'up', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout()).map((f: { checkId: string }) => f.checkId)).toEqual(['up']);
  });

  it('lists every config problem with its path, without a stack trace, and exits 2', async () => {
    const file = config([{ id: 'web', kind: 'http', target: 'not a url', thresholds: { latencyMs: { warn: 'x' } } }]);
    const io = capture();
    expect(await main(['run', '--config', file], io)).toBe(2);
    expect(io.stderr()).toBe(
      `${file} is invalid:\n` +
        '  - checks[0].target: expected an http:// or https:// URL (check "web")\n' +
        '  - checks[0].thresholds.latencyMs.warn: Invalid input: expected number, received string (check "web")',
    );
  });

  it('repeats rounds with --every until Ctrl-C, then exits cleanly', async () => {
    const file = config([{ id: 'web', kind: 'http', target: `http://127.0.0.1:${api.port}/up` }]);
    const io = capture();
    const run = main(['run', '--config', file, '--every', '1s'], io);
    await new Promise((r) => setTimeout(r, 1_500));
    process.emit('SIGINT');
    expect(await run).toBe(0);
    expect(io.stdout().match(/^ok +web /gm)).toHaveLength(2);
  });

  it.each([
    [
      ['run', '--check', 'nope'],
      /unknown check id "nope"; known: api-health, orders-api-flow, shop-cors, shop-assets-cached, api-certificate, api-certificate-renewal, api-dns, orders-db-port/,
    ],
    [['run', '--group', 'nope'], /unknown group "nope"; known: edge, databases/],
    [['run', '--every', '10'], /--every 10: expected a duration of at least 1s/],
    [['run', '--colour'], /Unknown option '--colour'/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('explains bad input %j and exits 2', async (argv, message) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr()).toMatch(message);
  });
});

describe('vigil invoke', () => {
  // Its own local state, so no other test's invocations share it.
  beforeAll(() => void (process.env.VIGIL_STATE_DIR = mkdtempSync(join(tmpdir(), 'vigil-state-'))));
  afterAll(() => void delete process.env.VIGIL_STATE_DIR);

  it('runs a handler locally with an event file, prints its answer, and exits 2 when it rejects the event', async () => {
    const event = writeConfig('event.json', JSON.stringify({ checks: ['no-such-check'] }));
    const io = capture();
    expect(await main(['invoke', 'run-checks', '--event', event], io)).toBe(2);
    expect(JSON.parse(io.stdout())).toMatchObject({ error: expect.stringMatching(/^unknown check id "no-such-check"/) });
  });

  it('gives a function that needs state the local table when TABLE_NAME is not set', async () => {
    const io = capture();
    expect(await main(['invoke', 'incidents', '--event', 'events/incidents-list.json'], io)).toBe(0);
    expect(JSON.parse(io.stdout())).toEqual({ count: 0, incidents: [] });
    expect(io.stderr()).toMatch(/^TABLE_NAME is not set: using the local state in .*vigil-state-.* \(kept between invocations; --reset clears it\)/);
    expect(process.env.TABLE_NAME).toBeUndefined();
  });

  it('names the known functions when given an unknown one', async () => {
    const io = capture();
    expect(await main(['invoke', 'nope', '--event', 'x.json'], io)).toBe(2);
    expect(io.stderr()).toMatch(/unknown function "nope"; known: heartbeat, incidents, notify, on-alarm, region-probe, remediate, run-checks/);
  });

  it('says what to run here instead of dispatch, which only starts deployed functions', async () => {
    const io = capture();
    expect(await main(['invoke', 'dispatch', '--event', 'x.json'], io)).toBe(2);
    expect(io.stderr()).toContain("here, run a tick's checks with `vigil invoke run-checks --event` (vigil plan lists each tick's checks)");
  });
});
