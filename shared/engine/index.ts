import type { VigilConfig } from '../config/schema.js';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import type { Finding } from '../findings.js';
import { lazyProbes } from '../probes/source.js';
import type { HeartbeatReader } from '../probes/probe.js';
import { runChecks } from './runner.js';
import { selectChecks, type Selection } from './select.js';

export { runChecks } from './runner.js';
export { selectChecks, type Selection } from './select.js';

/** Runs the checks a selection names, with the config's concurrency and timeouts. */
export function runSelection(
  config: VigilConfig,
  selection: Selection,
  options: { clock?: Clock | undefined; aws?: AwsPorts | undefined; heartbeats?: HeartbeatReader | undefined } = {},
): Promise<Finding[]> {
  return runChecks(selectChecks(config, selection), {
    probes: lazyProbes,
    concurrency: config.defaults.concurrency,
    defaultTimeoutMs: config.defaults.timeoutMs,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.aws ? { aws: options.aws } : {}),
    ...(options.heartbeats ? { heartbeats: options.heartbeats } : {}),
  });
}
