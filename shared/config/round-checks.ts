import { groupOf } from './groups.js';
import type { CheckConfig } from './schema.js';

/**
 * What a round of these checks reads of the config, in config order: the checks themselves, the checks
 * they depend on (all the way up), and the other checks of their groups (a group's incidents are told
 * together). A run-checks function deployed with this much for each of its buckets decides exactly as it
 * would with every check, and its cold start does not grow with the config.
 */
export function roundChecks(checks: readonly CheckConfig[], ids: readonly string[]): CheckConfig[] {
  return roundChecksOf(checks)(ids);
}

/** roundChecks for many buckets of one config: the config is indexed once. */
export function roundChecksOf(checks: readonly CheckConfig[]): (ids: readonly string[]) => CheckConfig[] {
  const at = new Map(checks.map((c, i) => [c.id, i]));
  const inGroup = new Map<string, number[]>();
  checks.forEach((c, i) => {
    const group = groupOf(c);
    if (group !== undefined) inGroup.set(group, [...(inGroup.get(group) ?? []), i]);
  });
  return (ids) => {
    const wanted = new Set<number>();
    const groups = new Set<string>();
    const add = (id: string) => {
      const i = at.get(id);
      if (i === undefined || wanted.has(i)) return;
      wanted.add(i);
      const group = groupOf(checks[i]!);
      if (group !== undefined) groups.add(group);
      checks[i]!.dependsOn?.forEach(add);
    };
    ids.forEach(add);
    // A mate's own parents are not needed: the round reads only its state, to tell which incident leads.
    for (const group of groups) for (const i of inGroup.get(group)!) wanted.add(i);
    return [...wanted].sort((a, b) => a - b).map((i) => checks[i]!);
  };
}

/**
 * What a deployed run-checks function ships for a bucket (infra/vigil.ts): its checks and the checks they depend on,
 * all the way up, in config order. The other checks of their groups ship as lists of ids, one file per group
 * (`groupsOf`), read only when a check of the group opens: a bucket of a group of thousands stays small.
 */
export function bucketChecksOf(checks: readonly CheckConfig[]): (ids: readonly string[]) => CheckConfig[] {
  const at = new Map(checks.map((c, i) => [c.id, i]));
  return (ids) => {
    const wanted = new Set<number>();
    const add = (id: string) => {
      const i = at.get(id);
      if (i === undefined || wanted.has(i)) return;
      wanted.add(i);
      checks[i]!.dependsOn?.forEach(add);
    };
    ids.forEach(add);
    return [...wanted].sort((a, b) => a - b).map((i) => checks[i]!);
  };
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
