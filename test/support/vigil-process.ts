import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));

type Outcome = { code: number; stdout: string; stderr: string };

/**
 * `vigil …` as a user types it in `cwd`, a process each: its exit code and output, whatever the code.
 * Standard input is empty, or `stdin` when called as `vigil.piped(stdin, …args)` (`--event -`).
 */
export function vigilIn(cwd: () => string, more: () => Record<string, string> = () => ({})) {
  const piped = (stdin: string, ...args: string[]): Promise<Outcome> => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_REGION: 'eu-west-1', ...more() };
    const running = run(process.execPath, [VIGIL, ...args], { cwd: cwd(), env, timeout: 60_000 });
    running.child.stdin?.end(stdin);
    return running.then(
      (o) => ({ ...o, code: 0 }),
      (e: Outcome) => e,
    );
  };
  return Object.assign((...args: string[]) => piped('', ...args), { piped });
}
