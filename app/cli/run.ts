import { parseArgs } from 'node:util';
import { loadConfigFile } from '../../shared/config/load.js';
import { runSelection } from '../../shared/engine/index.js';
import { RequestError } from '../../shared/errors.js';
import type { Finding } from '../../shared/findings.js';
import { parseDuration, sleep } from '../terminal/duration.js';
import type { Io } from '../terminal/io.js';
import { findingsTable } from '../terminal/table.js';

export const runUsage = 'vigil run [--config vigil.config.ts] [--group G | --check ID ...] [--once | --every 30s] [--json]';

/** Runs checks from this machine against their real targets. Exit 1 when any check fails. */
export async function runCommand(args: string[], io: Io, signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', default: 'vigil.config.ts' },
      group: { type: 'string' },
      check: { type: 'string', multiple: true },
      once: { type: 'boolean' },
      every: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.group && values.check) throw new RequestError('give --group or --check, not both');
  if (values.once && values.every) throw new RequestError('give --once or --every, not both');
  const everyMs = values.every === undefined ? undefined : parseDuration(values.every);
  if (values.every !== undefined && (everyMs === undefined || everyMs < 1000)) {
    throw new RequestError(`--every ${values.every}: expected a duration of at least 1s, e.g. 30s, 5m`);
  }

  const config = await loadConfigFile(values.config);
  const selection = { checks: values.check, group: values.group };
  let exitCode = 0;
  do {
    const findings = await runSelection(config, selection);
    exitCode = findings.some((f) => f.status === 'fail' || f.status === 'error') ? 1 : 0;
    print(findings, io, values.json, everyMs !== undefined);
    if (everyMs !== undefined) await sleep(everyMs, signal);
  } while (everyMs !== undefined && !signal.aborted);
  return exitCode;
}

function print(findings: Finding[], io: Io, json: boolean, repeating: boolean) {
  if (json) return io.out(JSON.stringify(findings));
  if (repeating) io.out(`\n${new Date().toISOString()}`);
  io.out(findingsTable(findings, io.color));
}
