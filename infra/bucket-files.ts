import { groupFile } from '../shared/config/checks-beside.js';
import { bucketChecksOf, groupsOf } from '../shared/config/round-checks.js';
import type { PlannedTick } from '../shared/config/schedule-plan.js';
import type { VigilConfig } from '../shared/config/schema.js';

/**
 * The files a run-checks function reads its checks from (shared/config/checks-beside.ts): one per bucket it
 * runs, one per group, and every check for a run by hand.
 */
export function bucketFiles(config: VigilConfig, plan: readonly PlannedTick[]): (network: 'public' | 'vpc') => Record<string, string> {
  const common = {
    'checks/all.json': JSON.stringify(config.checks),
    ...Object.fromEntries([...groupsOf(config.checks)].map(([group, ids]) => [groupFile(group), JSON.stringify(ids)])),
  };
  const bucketChecks = bucketChecksOf(config.checks);
  return (network) => ({
    ...common,
    ...Object.fromEntries(
      plan.flatMap((tick) => tick.buckets.filter((b) => b.network === network)).map((b) => [`buckets/${b.id}.json`, JSON.stringify(bucketChecks(b.checks))]),
    ),
  });
}
