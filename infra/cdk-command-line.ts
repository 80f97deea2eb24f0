import { readFileSync } from 'node:fs';

/**
 * The command line of the cdk CLI running this app (it sets CDK_CLI_VERSION), read from the process
 * table: undefined when run otherwise, or where there is no /proc (macOS, Windows).
 */
export function cdkCommandLine(): string[] | undefined {
  if (!process.env.CDK_CLI_VERSION) return undefined;
  // cdk runs `npx tsx infra/app.ts` through a shell and npm, so it sits a few ancestors up.
  let pid = process.ppid;
  for (let depth = 0; depth < 10 && pid > 1; depth++) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.slice(0, 2).some((arg) => /(^|\/)cdk$/.test(arg))) return argv;
      pid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * `cdk synth --config x`: cdk ignores a flag it does not know (with a warning that scrolls away) and
 * builds the default config instead. Returns the refusal naming the right form, or undefined.
 */
export function misplacedConfigFlag(cdkArgv: readonly string[]): string | undefined {
  const at = cdkArgv.findIndex((arg) => arg === '--config' || arg.startsWith('--config='));
  if (at < 0) return undefined;
  const flag = cdkArgv[at]!;
  const path = flag.includes('=') ? flag.slice('--config='.length) : (cdkArgv[at + 1] ?? 'my.config.ts');
  const verb = cdkArgv.find((arg) => ['synth', 'synthesize', 'deploy', 'diff', 'destroy', 'watch'].includes(arg)) ?? 'deploy';
  return `--config is vigil's flag; cdk ignores it and would build ./vigil.config.ts instead. Name the config as cdk context: npx cdk ${verb} -c config=${path}`;
}
