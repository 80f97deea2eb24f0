import { groupOf } from './groups.js';
import type { CheckConfig } from './schema.js';

/**
 * What a round of these checks reads of the config, in config order: the checks themselves, the checks
 * they depend on (all the way up), and the other checks of their groups (a group's incidents are told
 * together). A run-checks function deployed with this much for each of its buckets decides exactly as it
 * would with every check, and its cold start does not grow with the config.
 */
export function roundChecks(checks: readonly CheckConfig[], ids: readonly string[]): CheckConfig[] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const wanted = new Set<string>();
  const groups = new Set<string>();
  const add = (id: string) => {
    const check = byId.get(id);
    if (!check || wanted.has(id)) return;
    wanted.add(id);
    const group = groupOf(check);
    if (group !== undefined) groups.add(group);
    check.dependsOn?.forEach(add);
  };
  ids.forEach(add);
  // A mate's own parents are not needed: the round reads only its state, to tell which incident leads.
  return checks.filter((c) => wanted.has(c.id) || (groupOf(c) !== undefined && groups.has(groupOf(c)!)));
}
