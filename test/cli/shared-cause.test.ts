import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';

// The outage a new user measured: a database and 20 HTTP checks of the service behind it, the database's port
// closed, three rounds through `vigil invoke run-checks`, each a process. It sent 21 pages; one cause is one page.

const run = promisify(execFile);
const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
const DEPENDENTS = 20;

let dir: string;
let api: LocalTarget;
let dbUp = false;
let db: Server | undefined;
const dbPort = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});

beforeAll(async () => {
  // The service answers 503 while its database is down, as a real one would.
  api = await startHttpTarget((_, res) => res.writeHead(dbUp ? 200 : 503).end());
  dir = mkdtempSync(join(tmpdir(), 'vigil-shared-cause-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const service = { group: 'orders', tags: { service: 'orders' } };
  const config = {
    checks: [
      { id: 'orders-db', kind: 'tcp', target: `127.0.0.1:${dbPort}`, severity: 'P1', ...service },
      ...Array.from({ length: DEPENDENTS }, (_, i) => ({
        id: `orders-api-${i + 1}`,
        kind: 'http',
        target: `http://127.0.0.1:${api.port}/orders/${i + 1}`,
        severity: 'P1',
        dependsOn: ['orders-db'],
        ...service,
      })),
    ],
  };
  writeFileSync(join(dir, 'vigil.config.ts'), `export default ${JSON.stringify(config)};`);
  writeFileSync(join(dir, 'round.json'), JSON.stringify({ group: 'orders' }));
});

afterAll(async () => {
  await api?.close();
  await new Promise((resolve) => (db ? db.close(resolve) : resolve(undefined)));
});

const round = async () => {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_REGION: 'eu-west-1' };
  await run(process.execPath, [VIGIL, 'invoke', 'run-checks', '--event', join(dir, 'round.json')], { cwd: dir, env, timeout: 60_000 });
};
const sent = () =>
  readFileSync(join(dir, '.vigil', 'notifications.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { subject: string; body: string });

describe('one cause, one page', () => {
  it('pages once for a database and the 20 checks that depend on it, naming them, and once when it recovers', async () => {
    for (let i = 0; i < 3; i++) await round();
    const outage = sent();
    expect(outage.map((n) => n.subject)).toEqual([
      expect.stringMatching(new RegExp(`^\\[P1\\]\\[OPEN\\] orders-db \\(\\+${DEPENDENTS} dependents\\): port ${dbPort} closed`)),
    ]);
    expect(outage[0]!.body).toContain(`Failing with it, because they depend on it (${DEPENDENTS}); not paged on their own:`);
    for (let i = 1; i <= DEPENDENTS; i++) expect(outage[0]!.body).toContain(`  - orders-api-${i}: HTTP 503 (expected 200)`);

    // The database comes back, and the service with it: one resolution, no page from any dependent.
    db = createServer((socket) => socket.end()).listen(dbPort, '127.0.0.1');
    dbUp = true;
    for (let i = 0; i < 2; i++) await round();
    expect(
      sent()
        .slice(1)
        .map((n) => n.subject),
    ).toEqual([expect.stringMatching(/^\[P1\]\[RESOLVED\] orders-db: /)]);
  }, 120_000);
});
