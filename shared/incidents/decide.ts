import type { Finding } from '../findings.js';
import { flappingStep, recentChanges } from './flapping.js';
import { isFailing } from './policy.js';
import { dueNotice } from './cadence.js';
import { holdOf, newIncident, transition, type FindingContext } from './transition.js';
import { isActive, type CheckState } from '../state/check-state.js';

export type { FindingContext } from './transition.js';

/**
 * The check's next state after a finding, or undefined when nothing changed, which is what
 * makes a steady round cost no writes. At most one transition per finding.
 */
export function decideIncident(previous: CheckState | undefined, finding: Finding, ctx: FindingContext): CheckState | undefined {
  const { policy, now } = ctx;
  if (ctx.eventId !== undefined && previous?.lastEvent === ctx.eventId) return undefined;
  const failing = isFailing(finding.status, policy);
  let state = previous ?? blank(finding);
  if (previous && previous.target !== finding.target) state = retargeted(previous, finding, now);

  // Counting stops where no decision needs more: fewer counts, fewer writes.
  const cap = failing ? Math.max(policy.failureThreshold, policy.countTo ?? 0) : isActive(state.incident) ? policy.successThreshold : 1;
  const same = state.streak.failing === failing;
  // A streak already past a (now lower) cap stays as it is: changing it would be a write that decides nothing.
  const count = !same ? 1 : state.streak.count >= cap ? state.streak.count : state.streak.count + 1;
  const changes = policy.flapping && recentChanges(previous, failing, now, policy.flapping);
  const { changes: _old, ...rest } = state;
  const next: CheckState = {
    ...rest,
    status: finding.status,
    statusSince: finding.status === state.status && previous ? state.statusSince : finding.startedAt,
    streak: { failing, count },
    ...(changes ? { changes } : {}),
  };

  const flapping = policy.flapping && flappingStep(previous, next, finding, ctx, policy.flapping);
  const withTransition = flapping ? (flapping.transition?.seq !== next.transition?.seq ? flapping : undefined) : transitionFor(next, finding, ctx);
  const result = withTransition ?? (flapping || next);
  if (previous && !withTransition && sameAs(previous, result)) return undefined;
  return { ...result, ...(ctx.eventId !== undefined ? { lastEvent: ctx.eventId } : {}) };
}

function transitionFor(state: CheckState, finding: Finding, ctx: FindingContext): CheckState | undefined {
  const { policy, now } = ctx;
  const hold = holdOf(ctx);
  const active = isActive(state.incident) ? state.incident : undefined;
  const failing = state.streak.failing;

  if (!active) {
    if (!failing || state.streak.count < policy.failureThreshold) return undefined;
    const opened = newIncident(state, finding, ctx, state.statusSince);
    return transition({ ...state, incidentCount: state.incidentCount + 1 }, opened, 'opened', now);
  }

  if (!failing) {
    if (state.streak.count < policy.successThreshold) return undefined;
    const resolved = {
      ...active,
      state: 'resolved' as const,
      resolvedAt: now.toISOString(),
      resolvedBy: 'vigil',
      summary: finding.summary,
      observed: finding.observed,
    };
    return transition(state, resolved, 'resolved', now, `recovered: ${finding.summary}`);
  }

  if (active.silenced) {
    if (hold) return undefined;
    // The window is over, or the check it depends on recovered, and it is still failing: this is the first the on-call hears of it.
    const unsilenced = {
      ...active,
      silenced: false,
      summary: finding.summary,
      observed: finding.observed,
      notificationsSent: 1,
      lastNotifiedAt: now.toISOString(),
      // The response time runs from when the on-call is first told, not from when it opened held.
      toldAt: now.toISOString(),
    };
    delete unsilenced.silenceReason;
    delete unsilenced.causedBy;
    delete unsilenced.groupedWith;
    delete unsilenced.afterHours;
    // Acknowledged with the incident it was told with: someone has it already.
    if (active.state === 'acknowledged') return { ...state, incident: { ...unsilenced, notificationsSent: active.notificationsSent } };
    const why = active.causedBy
      ? `${active.causedBy} recovered, and this still fails`
      : active.groupedWith
        ? `${active.groupedWith}, which it was told with, is over, and this still fails`
        : active.afterHours
          ? `waited outside business hours since ${active.openedAt}; still failing as they begin`
          : 'silence ended while still failing';
    return transition(state, unsilenced, 'opened', now, why);
  }
  // Nothing more while silenced or while a check it depends on fails: that one's messages carry it.
  if (hold) return undefined;
  const due = dueNotice(active, policy, now);
  if (!due) return undefined;
  const seen = { summary: finding.summary, observed: finding.observed };
  if (due.kind === 'escalated') {
    const escalated = {
      ...active,
      ...seen,
      escalatedAt: active.escalatedAt ?? now.toISOString(),
      escalationLevel: Math.max(due.level, active.escalationLevel ?? (active.escalatedAt ? 1 : 0)),
      ...(due.deadline ? { deadlineAt: now.toISOString() } : {}),
    };
    const next = transition(state, escalated, 'escalated', now, due.reason);
    return { ...next, transition: { ...next.transition!, level: { index: due.level, name: due.name, ...(due.deadline ? { deadline: true } : {}) } } };
  }
  if (due.kind === 'repeated') {
    const repeated = { ...active, ...seen, notificationsSent: active.notificationsSent + 1, lastNotifiedAt: now.toISOString() };
    return transition(state, repeated, 'repeated', now);
  }
  return transition(state, { ...active, ...seen, lastUpdateAt: now.toISOString() }, 'updated', now, due.reason);
}

function blank(finding: Finding): CheckState {
  return {
    checkId: finding.checkId,
    target: finding.target,
    version: 0,
    status: finding.status,
    statusSince: finding.startedAt,
    streak: { failing: false, count: 0 },
    incidentCount: 0,
  };
}

/** A new target is a new fingerprint: the streak starts over, and an incident about the old target closes. */
function retargeted(previous: CheckState, finding: Finding, now: Date): CheckState {
  const { changes: _changes, flappingSince: _since, ...rest } = previous;
  const fresh = { ...rest, target: finding.target, streak: { failing: false, count: 0 } };
  if (!isActive(previous.incident)) return fresh;
  const closed = { ...previous.incident, state: 'resolved' as const, resolvedAt: now.toISOString(), resolvedBy: 'vigil' };
  return transition(fresh, closed, 'resolved', now, `target changed to ${finding.target}`);
}

function sameAs(a: CheckState, b: CheckState): boolean {
  return (
    a.status === b.status &&
    a.streak.failing === b.streak.failing &&
    a.streak.count === b.streak.count &&
    a.target === b.target &&
    a.statusSince === b.statusSince &&
    a.flappingSince === b.flappingSince
  );
}
