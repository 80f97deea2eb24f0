import { groupOf } from './groups.js';
import type { CheckConfig } from './schema.js';

/**
 * What a round of these checks reads of the config, in config order: the checks themselves, the checks
 * they depend on (all the way up), and the other checks of their groups (a group's incidents are told
 * together). A function built with this much decides exactly as it would with every check.
 */
export function roundChecks(checks: readonly CheckConfig[], ids: readonly string[]): CheckConfig[] {
  const at = positions(checks);
  const wanted = withParents(checks, at, ids);
  const groups = new Set([...wanted].flatMap((i) => groupOf(checks[i]!) ?? []));
  // A mate's own parents are not needed: the round reads only its state, to tell which incident leads.
  for (const [group, mates] of groupsOf(checks)) if (groups.has(group)) for (const id of mates) wanted.add(at.get(id)!);
  return inConfigOrder(checks, wanted);
}

/**
 * What a deployed run-checks function ships for a bucket (infra/bucket-files.ts): its checks and the checks they
 * depend on, all the way up, in config order. The other checks of their groups ship as lists of ids, one file per
 * group (`groupsOf`), read only when a check of the group opens: a bucket of a group of thousands stays small.
 */
export function bucketChecksOf(checks: readonly CheckConfig[]): (ids: readonly string[]) => CheckConfig[] {
  const at = positions(checks);
  return (ids) => inConfigOrder(checks, withParents(checks, at, ids));
}

/** Each group's checks by id, in config order. */
export function groupsOf(checks: readonly CheckConfig[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const check of checks) {
    const group = groupOf(check);
    if (group === undefined) continue;
    const ids = groups.get(group);
    if (ids) ids.push(check.id);
    else groups.set(group, [check.id]);
  }
  return groups;
}

const positions = (checks: readonly CheckConfig[]) => new Map(checks.map((c, i) => [c.id, i]));

/** The positions of `ids` and of the checks they depend on, all the way up. */
function withParents(checks: readonly CheckConfig[], at: ReadonlyMap<string, number>, ids: readonly string[]): Set<number> {
  const wanted = new Set<number>();
  const add = (id: string) => {
    const i = at.get(id);
    if (i === undefined || wanted.has(i)) return;
    wanted.add(i);
    checks[i]!.dependsOn?.forEach(add);
  };
  ids.forEach(add);
  return wanted;
}

const inConfigOrder = (checks: readonly CheckConfig[], wanted: Set<number>) => [...wanted].sort((a, b) => a - b).map((i) => checks[i]!);
