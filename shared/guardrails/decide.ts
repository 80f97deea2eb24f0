import type { RemediationConfig } from '../config/remediations.js';
import type { Plan, Risk } from '../remediations/remediation.js';
import type { ActionOutcome, ActionRecord, GuardState, HoldingGuardrail, KillSwitch } from '../state/guard.js';

const MINUTE_MS = 60_000;

export type Verdict =
  /** Do it now. */
  | { verdict: 'act' }
  /** This event already claimed the target (an earlier attempt, or a write whose reply was lost): find out what happened; never plan anew. */
  | { verdict: 'resume'; prior: ActionRecord }
  /** Dry run: record the plan, do nothing. */
  | { verdict: 'observe'; reason: string }
  /** Ask a human to approve the plan. */
  | { verdict: 'propose'; reason: string }
  /** Do nothing, nobody needs telling (cooldown, someone else is on it, already done). */
  | { verdict: 'skip'; reason: string }
  /** Do nothing and hand over to a human (circuit open, rate limit, kill switch), once while it holds. */
  | { verdict: 'escalate'; reason: string; guardrail: HoldingGuardrail };

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
  const prior = guard?.actions.find((a) => a.eventId === input.eventId && a.remediation === r.id);
  if (prior) return { verdict: 'resume', prior };
  // An action that reading the target showed never happened holds no cooldown and spends no budget.
  const actions = (guard?.actions ?? []).filter((a) => a.outcome !== 'not-applied');
  if (r.mode === 'observe' && !input.approved) return { verdict: 'observe', reason: 'mode observe: dry run, nothing done' };
  // The switch stops what Vigil does on its own; a named human's approval still acts, within the rest.
  if (killSwitch && !killSwitch.automationEnabled && !input.approved) {
    return holding(
      guard,
      'kill-switch',
      `automatic actions are switched off${killSwitch.by ? ` by ${killSwitch.by}` : ''}${killSwitch.reason ? `: ${killSwitch.reason}` : ''}`,
      (at) => !killSwitch.at || at >= killSwitch.at,
    );
  }
  if (guard?.circuitOpenedAt) {
    const opened = guard.circuitOpenedAt;
    return holding(
      guard,
      'circuit',
      `circuit open since ${opened} after ${guard.failedVerifications} actions failed verification; reset it to act again`,
      (at) => at >= opened,
    );
  }
  if (guard?.lease && new Date(guard.lease.until) > now) {
    return { verdict: 'skip', reason: `another action (${guard.lease.remediation}) holds this target until ${guard.lease.until}` };
  }
  const last = latest(actions.filter((a) => a.remediation === r.id));
  if (last && now.getTime() - new Date(last.at).getTime() < r.cooldownMinutes * MINUTE_MS) {
    return {
      verdict: 'skip',
      reason: `cooldown: ${r.id} last acted at ${last.at}; next allowed after ${new Date(new Date(last.at).getTime() + r.cooldownMinutes * MINUTE_MS).toISOString()}`,
    };
  }
  const windowMs = r.maxActions.windowMinutes * MINUTE_MS;
  const inWindow = actions.filter((a) => now.getTime() - new Date(a.at).getTime() < windowMs);
  if (inWindow.length >= r.maxActions.count) {
    const reason = `rate limit: ${inWindow.length} actions on this target in the last ${r.maxActions.windowMinutes} minutes (max ${r.maxActions.count})`;
    return holding(guard, 'rate-limit', reason, (at) => now.getTime() - new Date(at).getTime() < windowMs);
  }
  if (input.approved) return { verdict: 'act' };
  if (r.mode === 'propose') return { verdict: 'propose', reason: 'mode propose: waiting for approval' };
  if (input.risk === 'high' && !r.allowAuto) return { verdict: 'propose', reason: 'high risk: needs approval' };
  return { verdict: 'act' };
}

/**
 * Another event's action that was claimed and never settled, whose claimer is gone (its lease ran
 * out): it died mid-action, or its retries ran out. Until someone reads the target, it would hold
 * the cooldown and the budget as if it had happened.
 */
export function orphanedClaim(guard: GuardState | undefined, eventId: string, now: Date): ActionRecord | undefined {
  const inFlight = guard?.lease && new Date(guard.lease.until) > now ? guard.lease.holder : undefined;
  return guard?.actions.find((a) => a.outcome === undefined && a.eventId !== eventId && a.eventId !== inFlight);
}

/** A guardrail that hands over to a human: escalated the first time, then held quietly while it still holds. */
function holding(guard: GuardState | undefined, guardrail: HoldingGuardrail, reason: string, stillCovers: (escalatedAt: string) => boolean): Verdict {
  const at = guard?.escalated?.[guardrail];
  if (at && stillCovers(at)) return { verdict: 'skip', reason: `${reason} (escalated at ${at})` };
  return { verdict: 'escalate', reason, guardrail };
}

/** The guard with a holding guardrail marked as escalated now, so the next alarm it holds back says nothing new. */
export function markEscalated(guard: GuardState | undefined, targetKey: string, guardrail: HoldingGuardrail, now: Date): GuardState {
  const base: GuardState = guard ?? { targetKey, version: 0, actions: [], failedVerifications: 0 };
  return { ...base, escalated: { ...base.escalated, [guardrail]: now.toISOString() } };
}

/** The guard state that takes the lock and records the action (its version is the writer's to set). */
export function claim(
  guard: GuardState | undefined,
  targetKey: string,
  remediation: string,
  eventId: string,
  now: Date,
  leaseSeconds: number,
  keepMinutes: number,
  plan: Plan,
): GuardState {
  const recent = (guard?.actions ?? []).filter((a) => now.getTime() - new Date(a.at).getTime() < keepMinutes * MINUTE_MS);
  return {
    targetKey,
    version: guard?.version ?? 0,
    lease: { holder: eventId, until: new Date(now.getTime() + leaseSeconds * 1000).toISOString(), remediation },
    actions: [...recent, { remediation, eventId, at: now.toISOString(), plan }],
    failedVerifications: guard?.failedVerifications ?? 0,
    ...(guard?.circuitOpenedAt ? { circuitOpenedAt: guard.circuitOpenedAt } : {}),
    ...(guard?.escalated ? { escalated: guard.escalated } : {}),
  };
}

const VERIFIED: readonly ActionOutcome[] = ['verified', 'not-verified'];

/** Which action: an event's, by the remediation it ran. */
export interface Claimed {
  eventId: string;
  remediation: string;
}

/**
 * Records how the action (or its verification) came out; releases the lock; opens the circuit after
 * too many failures. Undefined when that is already recorded: a retried attempt counts nothing twice.
 */
export function settle(
  guard: GuardState,
  claimed: Claimed,
  outcome: ActionOutcome,
  now: Date,
  circuitFailures: number,
  result?: string,
): GuardState | undefined {
  const { eventId } = claimed;
  // One event may act on a target more than once (a snapshot, then the risky fix): each action is its own.
  const action = guard.actions.find((a) => a.eventId === eventId && a.remediation === claimed.remediation);
  if (!action) return undefined;
  const verifying = VERIFIED.includes(outcome);
  if (verifying ? action.outcome !== undefined && VERIFIED.includes(action.outcome) : action.outcome !== undefined) return undefined;
  const actions = guard.actions.map((a) => (a === action ? { ...a, outcome, ...(result ? { result } : {}) } : a));
  const failedVerifications = outcome === 'not-verified' ? guard.failedVerifications + 1 : outcome === 'verified' ? 0 : guard.failedVerifications;
  const next: GuardState = { ...guard, actions, failedVerifications };
  if (guard.lease?.holder === eventId) delete next.lease;
  if (failedVerifications >= circuitFailures && !next.circuitOpenedAt) next.circuitOpenedAt = now.toISOString();
  return next;
}

function latest(actions: ActionRecord[]): ActionRecord | undefined {
  return actions.reduce<ActionRecord | undefined>((a, b) => (!a || b.at > a.at ? b : a), undefined);
}
