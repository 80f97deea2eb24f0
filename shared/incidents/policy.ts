import { roundsToCount } from '../config/triggers.js';
import type { CheckConfig, Severity, VigilConfig } from '../config/schema.js';
import type { Hours } from './business-hours.js';
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
  /** A stakeholder update this often while it is active, acknowledged too. Absent or 0: none. */
  updateMinutes?: number;
  /** Escalated once when not resolved this long after the on-call was told. Absent or 0: no deadline. */
  resolveMinutes?: number;
  /** The escalation chain: each level's name and when it is due, in minutes after the on-call was told. Absent: one level at `respondMinutes`. */
  levels?: EscalationStep[];
  /** The business hours this severity waits for, outside which nothing about it is sent. */
  hours?: Hours;
}

export interface EscalationStep {
  name: string;
  atMinutes: number;
}

/** A severity's times, its escalation chain and its business hours, with the check's own overrides on top. */
export function severityPolicy(
  config: VigilConfig,
  severity: Severity,
  own: Partial<Record<'respondMinutes' | 'repeatMinutes' | 'updateMinutes' | 'resolveMinutes', number | undefined>> = {},
) {
  const times = { ...config.incidents.severities[severity], ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) };
  let at = 0;
  // Each level's delay runs from the one before it: the chain is always in order.
  const levels = config.incidents.escalation.map((level) => ({ name: level.name, atMinutes: (at += level.afterMinutes ?? times.respondMinutes) }));
  const hours = config.incidents.businessHours;
  return { ...times, levels, ...(hours && hours.severities.includes(severity) ? { hours } : {}) };
}

/** The config's incident settings, its severity's times, and the check's own overrides, in that order. */
export function policyFor(check: CheckConfig, config: VigilConfig): IncidentPolicy {
  const {
    severities: _severities,
    historyDays: _days,
    resolveSilenced: _resolve,
    grouping: _grouping,
    escalation: _escalation,
    businessHours: _hours,
    opsCenter: _opsCenter,
    ...base
  } = config.incidents;
  const own = Object.fromEntries(Object.entries(check.incident ?? {}).filter(([, v]) => v !== undefined));
  const countTo = roundsToCount(check, config.runbooks);
  return { ...base, ...severityPolicy(config, check.severity, own), ...own, ...(countTo ? { countTo } : {}) };
}

export function isFailing(status: Status, policy: IncidentPolicy): boolean {
  return status === 'fail' || status === 'error' || (status === 'warn' && policy.openOnWarn);
}
