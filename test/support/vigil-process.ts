import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));

/** `vigil …` as a user types it in `cwd`, a process each: its exit code and output, whatever the code. */
export function vigilIn(cwd: () => string) {
  return async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_REGION: 'eu-west-1' };
    return run(process.execPath, [VIGIL, ...args], { cwd: cwd(), env, timeout: 60_000 }).then(
      (o) => ({ ...o, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
  };
}
