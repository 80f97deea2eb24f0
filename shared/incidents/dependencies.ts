import type { Finding } from '../findings.js';
import { isActive, type CheckState } from '../state/check-state.js';
import { isFailing, type IncidentPolicy } from './policy.js';

/** A failing check another one depends on: while it fails, the other's failure is its consequence. */
export interface Cause {
  checkId: string;
  summary: string;
}

/** A check a failing one depends on, as this round sees it: its finding if it ran in this round, and its stored state. */
export interface ParentView {
  checkId: string;
  finding?: Finding | undefined;
  state?: CheckState | undefined;
  policy: IncidentPolicy;
}

/**
 * The first of a check's parents that is down, or none. Down: failing in this round, or, not run in this
 * round, failing or holding an incident when last seen. A parent that passed in this round is up, even
 * while its incident waits on its success threshold: its dependents then page on their own. Pure.
 */
export function causeFor(parents: readonly ParentView[]): Cause | undefined {
  for (const { checkId, finding, state, policy } of parents) {
    if (finding) {
      if (isFailing(finding.status, policy)) return { checkId, summary: finding.summary };
      continue;
    }
    if (state && (state.streak.failing || isActive(state.incident))) return { checkId, summary: state.incident?.summary ?? `${checkId} is ${state.status}` };
  }
  return undefined;
}
