import * as z from '../../shared/zod.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { runChecks } from '../../shared/engine/index.js';
import type { Finding } from '../../shared/findings.js';
import { lazyProbes } from '../../shared/probes/source.js';
import { validateEvent, type InvalidRequest } from '../../shared/events/validate.js';
import type { Log } from '../../shared/log.js';

/** What the run-checks function at home asks: the regional checks to run here now. */
const regionProbeEvent = z.strictObject({ checks: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(50)) });

export type RegionProbeResult = { region: string; findings: Finding[] } | InvalidRequest;

/**
 * Runs checks from this region for the run-checks function at home, which judges them by their quorum.
 * It runs only checks that name this region; it records nothing and tells nobody.
 */
export function createRegionProbeHandler({ config, region, log, clock = systemClock }: { config: VigilConfig; region: string; log: Log; clock?: Clock }) {
  return async (event: unknown): Promise<RegionProbeResult> => {
    const parsed = validateEvent(regionProbeEvent, event);
    if (!parsed.ok)
      return { error: 'invalid region-probe event', problems: parsed.problems, example: { checks: [ours(config, region)[0]?.id ?? 'api-health'] } };
    const mine = new Map(ours(config, region).map((c) => [c.id, c]));
    const strangers = parsed.data.checks.filter((id) => !mine.has(id));
    if (strangers.length) {
      const problem = `not checks of ${region}: ${strangers.join(', ')}; it runs ${[...mine.keys()].join(', ') || 'none'}`;
      log.error(problem);
      return { error: problem, problems: [problem], example: { checks: [...mine.keys()].slice(0, 1) } };
    }
    const checks = parsed.data.checks.map((id) => mine.get(id)!);
    const findings = await runChecks(checks, {
      probes: lazyProbes,
      concurrency: config.defaults.concurrency,
      defaultTimeoutMs: config.defaults.timeoutMs,
      clock,
    });
    for (const f of findings) log.debug(`${f.checkId} ${f.status}: ${f.summary}`, { finding: f });
    return { region, findings };
  };
}

/** The checks that name this region. */
const ours = (config: VigilConfig, region: string) => config.checks.filter((c) => c.fromRegions?.includes(region));
