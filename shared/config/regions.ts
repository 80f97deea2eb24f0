import type { Probe } from '../probes/probe.js';
import { secretIds } from './secret-sources.js';

/** What a check's `fromRegions` and `quorum` ask that cannot be: each with where, and what to write instead. Pure. */
export function regionProblems(
  check: { kind: string; fromRegions?: string[] | undefined; quorum?: number | undefined; network?: string | undefined },
  probe: Pick<Probe, 'regional'>,
): { path: string[]; message: string }[] {
  const { fromRegions: regions, quorum } = check;
  if (!regions) return quorum === undefined ? [] : [{ path: ['quorum'], message: 'a quorum counts regions: give fromRegions too, or leave quorum out' }];
  const problems: { path: string[]; message: string }[] = [];
  if (!probe.regional)
    problems.push({
      path: ['fromRegions'],
      message: `${check.kind} checks run only where Vigil is deployed; fromRegions is for http, tls, dns and tcp checks`,
    });
  if (check.network === 'vpc')
    problems.push({ path: ['fromRegions'], message: 'a check placed in the VPC reaches private addresses, which other regions cannot' });
  // The other regions' functions hold no secret of this account's: a check that needs one runs at home only.
  if (secretIds(check).length)
    problems.push({ path: ['fromRegions'], message: 'a check that reads a secret runs only where Vigil is deployed; leave fromRegions out' });
  const repeated = regions.find((r, i) => regions.indexOf(r) !== i);
  if (repeated) problems.push({ path: ['fromRegions'], message: `${repeated} is named twice` });
  if (quorum !== undefined && quorum > regions.length + 1)
    problems.push({ path: ['quorum'], message: `${quorum} is more than the ${regions.length + 1} regions it runs from (these and Vigil's own)` });
  return problems;
}

/** How many of the regions a check runs from (Vigil's own included) must see it fail: its quorum, or a majority of them. */
export const quorumOf = (check: { fromRegions?: string[] | undefined; quorum?: number | undefined }, regions = (check.fromRegions?.length ?? 0) + 1) =>
  check.quorum ?? Math.floor(regions / 2) + 1;
