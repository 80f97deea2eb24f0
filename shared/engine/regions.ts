import type { CheckConfig } from '../config/schema.js';
import { quorumOf } from '../config/regions.js';
import type { Finding } from '../findings.js';
import { judgeRegions, type RegionResult } from './region-quorum.js';
import { plainAwsError } from '../aws/plain.js';
import type { RegionProbes } from '../aws/region-probes.js';

export type { RegionProbes };

export interface AcrossRegions {
  /** The region this function runs in. */
  home: string;
  /** Absent where nothing is deployed in other regions (a laptop): those regions cannot report, and say so. */
  probes?: RegionProbes | undefined;
  /** How long the other regions may take: the longest check's timeout, and a margin for the call. */
  timeoutMs: number;
}

/**
 * Runs `checks` here while their other regions run those that name some, at once, one call per region;
 * each regional check comes back judged by its quorum. A check with no regions is as `runHere` found it.
 */
export async function acrossRegions(checks: readonly CheckConfig[], runHere: () => Promise<Finding[]>, deps: AcrossRegions): Promise<Finding[]> {
  const regional = new Map(checks.filter((c) => c.fromRegions?.length).map((c) => [c.id, c]));
  if (!regional.size) return runHere();
  const asked = new Map<string, string[]>();
  for (const c of regional.values()) for (const r of elsewhere(c, deps.home)) asked.set(r, [...(asked.get(r) ?? []), c.id]);
  const answers = Promise.all([...asked].map(async ([region, ids]) => [region, await ask(region, ids, deps)] as const));
  const [here, there] = await Promise.all([runHere(), answers]);
  const byRegion = new Map(there);
  return here.map((finding) => {
    const check = regional.get(finding.checkId);
    if (!check) return finding;
    const others = elsewhere(check, deps.home).map((region): RegionResult => {
      const answer = byRegion.get(region)!;
      if ('error' in answer) return { region, error: answer.error };
      const found = answer.findings.find((f) => f.checkId === finding.checkId);
      return found ? { region, finding: found } : { region, error: 'its function did not run this check: deploy the region again' };
    });
    // Counted as it runs: a region the config names that is this one is not counted twice.
    return judgeRegions({ region: deps.home, finding }, others, quorumOf(check, others.length + 1));
  });
}

/** A check's regions but this one, which runs it anyway. */
const elsewhere = (check: CheckConfig, home: string) => (check.fromRegions ?? []).filter((r) => r !== home);

async function ask(region: string, ids: string[], deps: AcrossRegions): Promise<{ findings: Finding[] } | { error: string }> {
  if (!deps.probes) return { error: 'no Vigil function there to ask: other regions are asked where Vigil is deployed' };
  try {
    return { findings: await deps.probes.run(region, ids, AbortSignal.timeout(deps.timeoutMs)) };
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
    return { error: timedOut ? `no answer within ${Math.round(deps.timeoutMs / 1000)} s` : plainAwsError(err) };
  }
}
