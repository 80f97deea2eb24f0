import type { VigilConfig } from '../config/schema.js';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import type { Finding } from '../findings.js';
import { lazyProbes } from '../probes/source.js';
import type { HeartbeatReader } from '../probes/probe.js';
import { runChecks } from './runner.js';
import { selectChecks, type Selection } from './select.js';
import { acrossRegions, type AcrossRegions } from './regions.js';

export { runChecks } from './runner.js';
export { selectChecks, type Selection } from './select.js';
export type { RegionProbes } from './regions.js';

/**
 * Runs the checks a selection names, with the config's concurrency and timeouts; a check that names
 * regions also runs in each of them, and is judged by its quorum.
 */
export function runSelection(
  config: VigilConfig,
  selection: Selection,
  options: { clock?: Clock | undefined; aws?: AwsPorts | undefined; heartbeats?: HeartbeatReader | undefined; regions?: Omit<AcrossRegions, 'timeoutMs'> } = {},
): Promise<Finding[]> {
  const checks = selectChecks(config, selection);
  const runHere = () =>
    runChecks(checks, {
      probes: lazyProbes,
      concurrency: config.defaults.concurrency,
      defaultTimeoutMs: config.defaults.timeoutMs,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.aws ? { aws: options.aws } : {}),
      ...(options.heartbeats ? { heartbeats: options.heartbeats } : {}),
    });
  // The other regions get as long as the slowest check, and a few seconds for the call itself.
  const timeoutMs = Math.max(...checks.map((c) => c.timeoutMs ?? config.defaults.timeoutMs), 0) + 5_000;
  return acrossRegions(checks, runHere, { home: 'here', ...options.regions, timeoutMs });
}
