import type { RemediationConfig } from '../config/remediations.js';
import type { Risk } from '../remediations/remediation.js';
import type { ActionRecord, GuardState, KillSwitch } from './types.js';

const MINUTE_MS = 60_000;

export type Verdict =
  /** Do it now. */
  | { verdict: 'act' }
  /** Dry run: record the plan, do nothing. */
  | { verdict: 'observe'; reason: string }
  /** Ask a human to approve the plan. */
  | { verdict: 'propose'; reason: string }
  /** Do nothing, nobody needs telling (cooldown, someone else is on it, already done). */
  | { verdict: 'skip'; reason: string }
  /** Do nothing and hand over to a human (circuit open, rate limit, kill switch). */
  | { verdict: 'escalate'; reason: string };

export interface GuardInput {
  remediation: Pick<RemediationConfig, 'id' | 'mode' | 'allowAuto' | 'cooldownMinutes' | 'maxActions'>;
  risk: Risk;
  guard: GuardState | undefined;
  killSwitch: KillSwitch | undefined;
  eventId: string;
  /** A human approved this very plan (proposal or manual invocation). */
  approved: boolean;
  now: Date;
}

/** Every guardrail, in order, as one pure decision. The first that applies wins. */
export function decideRemediation(input: GuardInput): Verdict {
  const { remediation: r, guard, killSwitch, now } = input;
  const actions = guard?.actions ?? [];
  const prior = actions.find((a) => a.eventId === input.eventId && a.remediation === r.id);
  if (prior) return { verdict: 'skip', reason: `already acted for this event at ${prior.at}` };
  if (r.mode === 'observe' && !input.approved) return { verdict: 'observe', reason: 'mode observe: dry run, nothing done' };
  // The switch stops what Vigil does on its own; a named human's approval still acts, within the rest.
  if (killSwitch && !killSwitch.automationEnabled && !input.approved) {
    return { verdict: 'escalate', reason: `automatic actions are switched off${killSwitch.by ? ` by ${killSwitch.by}` : ''}${killSwitch.reason ? `: ${killSwitch.reason}` : ''}` };
  }
  if (guard?.circuitOpenedAt) {
    return { verdict: 'escalate', reason: `circuit open since ${guard.circuitOpenedAt} after ${guard.failedVerifications} actions failed verification; reset it to act again` };
  }
  if (guard?.lease && new Date(guard.lease.until) > now) {
    return { verdict: 'skip', reason: `another action (${guard.lease.remediation}) holds this target until ${guard.lease.until}` };
  }
  const last = latest(actions.filter((a) => a.remediation === r.id));
  if (last && now.getTime() - new Date(last.at).getTime() < r.cooldownMinutes * MINUTE_MS) {
    return { verdict: 'skip', reason: `cooldown: ${r.id} last acted at ${last.at}; next allowed after ${new Date(new Date(last.at).getTime() + r.cooldownMinutes * MINUTE_MS).toISOString()}` };
  }
  const inWindow = actions.filter((a) => now.getTime() - new Date(a.at).getTime() < r.maxActions.windowMinutes * MINUTE_MS);
  if (inWindow.length >= r.maxActions.count) {
    return { verdict: 'escalate', reason: `rate limit: ${inWindow.length} actions on this target in the last ${r.maxActions.windowMinutes} minutes (max ${r.maxActions.count})` };
  }
  if (input.approved) return { verdict: 'act' };
  if (r.mode === 'propose') return { verdict: 'propose', reason: 'mode propose: waiting for approval' };
  if (input.risk === 'high' && !r.allowAuto) return { verdict: 'propose', reason: 'high risk: needs approval' };
  return { verdict: 'act' };
}

/** The guard state that takes the lock and records the action, written with the version condition. */
export function claim(guard: GuardState | undefined, targetKey: string, remediation: string, eventId: string, now: Date, leaseSeconds: number, keepMinutes: number): GuardState {
  const recent = (guard?.actions ?? []).filter((a) => now.getTime() - new Date(a.at).getTime() < keepMinutes * MINUTE_MS);
  return {
    targetKey,
    version: (guard?.version ?? 0) + 1,
    lease: { holder: eventId, until: new Date(now.getTime() + leaseSeconds * 1000).toISOString(), remediation },
    actions: [...recent, { remediation, eventId, at: now.toISOString() }],
    failedVerifications: guard?.failedVerifications ?? 0,
    ...(guard?.circuitOpenedAt ? { circuitOpenedAt: guard.circuitOpenedAt } : {}),
  };
}

/** Records how the action (or its verification) came out; releases the lock; opens the circuit after too many failures. */
export function settle(guard: GuardState, eventId: string, outcome: NonNullable<ActionRecord['outcome']>, now: Date, circuitFailures: number): GuardState {
  const actions = guard.actions.map((a) => (a.eventId === eventId ? { ...a, outcome } : a));
  const failedVerifications = outcome === 'not-verified' ? guard.failedVerifications + 1 : outcome === 'verified' ? 0 : guard.failedVerifications;
  const next: GuardState = { ...guard, version: guard.version + 1, actions, failedVerifications };
  if (guard.lease?.holder === eventId) delete next.lease;
  if (failedVerifications >= circuitFailures && !next.circuitOpenedAt) next.circuitOpenedAt = now.toISOString();
  return next;
}

function latest(actions: ActionRecord[]): ActionRecord | undefined {
  return actions.reduce<ActionRecord | undefined>((a, b) => (!a || b.at > a.at ? b : a), undefined);
}
