import { roundsToCount } from '../config/triggers.js';
import type { CheckConfig, VigilConfig } from '../config/schema.js';
import type { Status } from '../findings.js';

/** When a check is flapping: more than `changes` changes between failing and passing within `windowMinutes`; over once still for `stableMinutes`. */
export interface FlappingPolicy {
  changes: number;
  windowMinutes: number;
  stableMinutes: number;
}

export interface IncidentPolicy {
  failureThreshold: number;
  successThreshold: number;
  openOnWarn: boolean;
  maxRepeats: number;
  respondMinutes: number;
  repeatMinutes: number;
  /** Count a failing streak this far, past the threshold, for a runbook that waits on so many failing rounds. */
  countTo?: number;
  /** When it is flapping. Absent (an alarm's): never. */
  flapping?: FlappingPolicy;
}

/** The config's incident settings, its severity's times, and the check's own overrides, in that order. */
export function policyFor(check: CheckConfig, config: VigilConfig): IncidentPolicy {
  const { severities, historyDays: _days, resolveSilenced: _resolve, grouping: _grouping, ...base } = config.incidents;
  const own = Object.fromEntries(Object.entries(check.incident ?? {}).filter(([, v]) => v !== undefined));
  const countTo = roundsToCount(check, config.runbooks);
  return { ...base, ...severities[check.severity], ...own, ...(countTo ? { countTo } : {}) };
}

export function isFailing(status: Status, policy: IncidentPolicy): boolean {
  return status === 'fail' || status === 'error' || (status === 'warn' && policy.openOnWarn);
}
