import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedMongo, type ScriptedMongo } from '../support/mongo-wire.js';

// The CLI as a user runs it: a process, the config and the driver loaded through tsx (not vitest's loader).
const run = promisify(execFile);
const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
let server: ScriptedMongo;
beforeAll(async () => {
  server = await startScriptedMongo({ users: { vigil: 'cli-test-pw' }, replies: { ping: { ok: 1 } } });
});
afterAll(() => server.stop());

describe('vigil run, as a process, with a mongo check', () => {
  it('loads the MongoDB driver and runs the check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-mongo-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' })); // as a project whose config is ESM
    const config = join(dir, 'mongo.config.ts');
    const check = {
      id: 'catalog-mongo',
      kind: 'mongo',
      target: `${server.host}:${server.port}`,
      user: 'vigil',
      password: { value: 'cli-test-pw' },
      tls: false,
      directConnection: true,
      measure: 'connectivity',
    };
    writeFileSync(config, `export default ${JSON.stringify({ checks: [check] })};`);
    const { stdout } = await run(process.execPath, [VIGIL, 'run', '--config', config, '--json'], { cwd: dir, timeout: 60_000 });
    const [finding] = JSON.parse(stdout) as { checkId: string; status: string; summary: string }[];
    expect(finding).toMatchObject({ checkId: 'catalog-mongo', status: 'ok', summary: expect.stringMatching(/^ping in \d+ ms/) });
  });
});
