import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// A job with a shell reports in with `vigil heartbeat`, as a user runs it; `vigil invoke run-checks` then reads it.

const run = promisify(execFile);
const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-heartbeat-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(dir, 'vigil.config.ts'),
    `export default ${JSON.stringify({
      checks: [
        { id: 'nightly-backup', kind: 'heartbeat', periodMinutes: 1440 },
        { id: 'api', kind: 'tcp', target: '127.0.0.1:1' },
      ],
    })};`,
  );
  writeFileSync(join(dir, 'round.json'), JSON.stringify({ checks: ['nightly-backup'] }));
});

async function vigil(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'laptop', AWS_SECRET_ACCESS_KEY: 'laptop' };
  return run(process.execPath, [VIGIL, ...args], { cwd: dir, env, timeout: 60_000 }).then(
    (o) => ({ ...o, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => e,
  );
}

describe('vigil heartbeat', () => {
  it('records a report in the local state, which the next round reads', async () => {
    const before = await vigil('invoke', 'run-checks', '--event', 'round.json');
    expect(JSON.parse(before.stdout).findings[0]).toMatchObject({
      checkId: 'nightly-backup',
      status: 'warn',
      summary: 'no report yet (expected every 24 h, 2.4 h grace)',
    });
    const sent = await vigil('heartbeat', 'nightly-backup', '--message', 'pg_dump done, 12.4 GB');
    expect(sent.code).toBe(0);
    expect(sent.stdout.trim()).toMatch(/^heartbeat nightly-backup: ok at \S+ \(pg_dump done, 12.4 GB\) in the local state$/);
    const after = await vigil('invoke', 'run-checks', '--event', 'round.json');
    expect(JSON.parse(after.stdout).findings[0]).toMatchObject({
      checkId: 'nightly-backup',
      status: 'ok',
      summary: 'reported 0 min ago: pg_dump done, 12.4 GB',
    });
  }, 60_000);

  it('refuses a check that is not a heartbeat, and a bad status, naming the fix', async () => {
    const wrong = await vigil('heartbeat', 'api');
    expect(wrong).toMatchObject({ code: 2, stderr: expect.stringContaining('"api" is not a heartbeat check; the config\'s heartbeats are: nightly-backup') });
    const bad = await vigil('heartbeat', 'nightly-backup', '--status', 'meh');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--status meh: expected ok or fail') });
    const long = await vigil('heartbeat', 'nightly-backup', '--message', 'x'.repeat(3000));
    expect(long).toMatchObject({ code: 2, stderr: expect.stringMatching(/^--message: /) });
    expect(long.stderr.split('. Usage:')[0]).not.toContain('--status');
  }, 60_000);
});
