import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Teams keep their config in their own repository: a .ts file with no package.json of type module above it.
const run = promisify(execFile);
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const VIGIL = join(PROJECT, 'bin/vigil.mjs');
const SHARED = join(PROJECT, 'shared/config/index.js');

describe('vigil run --config with a config outside the checkout', () => {
  const team = join(mkdtempSync(join(tmpdir(), 'vigil-team-')), 'ops');
  mkdirSync(team);
  const checks = [{ id: 'orders-db-port', kind: 'tcp', target: '127.0.0.1:9' }];
  writeFileSync(join(team, 'plain.config.ts'), `const checks = ${JSON.stringify(checks)};\nexport default { checks };\n`);
  writeFileSync(
    join(team, 'typed.config.ts'),
    `import { defineConfig } from ${JSON.stringify(SHARED)};\nexport default defineConfig({ checks: ${JSON.stringify(checks)} });\n`,
  );

  it.each(['plain.config.ts', 'typed.config.ts'])(
    'loads %s, named by a path relative to the checkout, and runs it',
    async (name) => {
      const out = await run(process.execPath, [VIGIL, 'run', '--config', relative(PROJECT, join(team, name))], { cwd: PROJECT }).catch(
        (e: { stdout: string; stderr: string; code: number }) => e,
      );
      expect(out.stderr).not.toMatch(/cannot be loaded/);
      expect(out.stdout).toMatch(/FAIL +orders-db-port .*port 9 closed/);
    },
    30_000,
  );
});
