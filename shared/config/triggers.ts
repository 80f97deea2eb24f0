import type { CheckTriggerConfig, RunbookConfig } from './runbooks.js';
import type { CheckConfig, VigilConfig } from './schema.js';

/** Whether a runbook's check criteria (id, tags, kind; each given must hold) select this check. */
export function selects(trigger: CheckTriggerConfig, check: Pick<CheckConfig, 'id' | 'kind' | 'tags'>): boolean {
  if (trigger.ids && !trigger.ids.includes(check.id)) return false;
  if (trigger.kinds && !trigger.kinds.includes(check.kind)) return false;
  if (trigger.tags && !Object.entries(trigger.tags).every(([k, v]) => check.tags[k] === v)) return false;
  return true;
}

/** The checks whose incidents start this runbook. */
export function triggeringChecks(runbook: RunbookConfig, config: Pick<VigilConfig, 'checks'>): CheckConfig[] {
  const trigger = runbook.match.checks;
  return trigger ? config.checks.filter((c) => selects(trigger, c)) : [];
}

/** How far a check's failing streak must be counted: to the largest `failingRounds` a runbook waits for on it. */
export function roundsToCount(check: Pick<CheckConfig, 'id' | 'kind' | 'tags'>, runbooks: readonly RunbookConfig[]): number {
  return Math.max(0, ...runbooks.flatMap((r) => (r.match.checks?.failingRounds && selects(r.match.checks, check) ? [r.match.checks.failingRounds] : [])));
}
