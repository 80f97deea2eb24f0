import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `vigil invoke` as an operator runs it: a process, its exit code what a script would branch on.
const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function invoke(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Its own local state, so no other test's invocations share it.
  const env = { ...process.env, TABLE_NAME: '', VIGIL_STATE_DIR: mkdtempSync(join(tmpdir(), 'vigil-state-')) };
  delete (env as Record<string, string | undefined>).TABLE_NAME;
  return new Promise((resolve) => {
    execFile(process.execPath, [VIGIL, 'invoke', ...args], { cwd: ROOT, env, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function file(name: string, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-invoke-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

describe('vigil invoke, as a process', () => {
  it("exits 0 with the handler's answer when the payload is accepted", async () => {
    const { code, stdout } = await invoke(['incidents', '--event', 'events/incidents-list.json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ count: 0, incidents: [] });
  });

  it('exits 2 when the handler rejects the payload, printing its problems', async () => {
    const { code, stdout } = await invoke(['incidents', '--event', file('bad.json', JSON.stringify({ op: 'ack', incident: 'api-health/1' }))]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ error: 'invalid incidents request', problems: expect.arrayContaining([expect.stringMatching(/^by: /)]) });
  });

  it('exits 1 when the action it asked for failed', async () => {
    // The sample rollback's plan needs ECS, which this machine cannot reach: the remediation cannot plan.
    const run = file('run.json', JSON.stringify({ remediation: 'orders-api-restart', dryRun: false, approvedBy: 'alice', reason: 'rehearsal' }));
    const { code, stdout } = await invoke(['remediate', '--event', run]);
    expect(JSON.parse(stdout)).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/cannot plan/) });
    expect(code).toBe(1);
  });

  it('runs the handler with the config --config names, as vigil run does', async () => {
    const config = file('other.config.ts', `export default ${JSON.stringify({ checks: [{ id: 'only-here', kind: 'tcp', target: '127.0.0.1:9' }] })};`);
    const event = file('event.json', JSON.stringify({ checks: ['only-here'], dryRun: true }));
    const { code, stdout } = await invoke(['run-checks', '--config', config, '--event', event]);
    expect(JSON.parse(stdout)).toMatchObject({ ran: 1 });
    expect(code).toBe(0);
  });
});
