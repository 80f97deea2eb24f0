/** A check as grouping sees it. */
export interface Groupable {
  id: string;
  group?: string | undefined;
  tags: Record<string, string>;
}

/** The group a check's incidents are told with: its `group`, else its `service` tag. */
export const groupOf = (check: Groupable): string | undefined => check.group ?? check.tags.service;

/** groupMates of a config that may hold only some of the group's checks, and then knows the rest by id (`whole.mates`). */
export function matesIn(config: { checks: readonly Groupable[]; whole?: { mates?: (group: string) => string[] } | undefined }, checkId: string): string[] {
  const mates = config.whole?.mates;
  if (!mates) return groupMates(config.checks, checkId);
  const self = config.checks.find((c) => c.id === checkId);
  const group = self && groupOf(self);
  return group === undefined ? [] : mates(group);
}

/** The checks of a check's group, in config order, itself included; none when it has no group. */
export function groupMates(checks: readonly Groupable[], checkId: string): string[] {
  const self = checks.find((c) => c.id === checkId);
  const group = self && groupOf(self);
  return group === undefined ? [] : checks.filter((c) => groupOf(c) === group).map((c) => c.id);
}
