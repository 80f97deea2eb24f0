import { ActionRefusedError } from '../errors.js';
import { transition } from './transition.js';
import type { ActionTold, CheckState, Transition } from '../state/check-state.js';

export interface HumanAction {
  op: 'ack' | 'resolve' | 'silence' | 'unsilence' | 'update';
  incidentId: string;
  by: string;
  /** Why; for `update`, the update itself. */
  reason: string;
  /** For `silence`: when it ends. */
  until?: string;
  /** For `update`: whether the status page shows it too. */
  public?: boolean;
}

/**
 * Vigil hands over to a human: a runbook could not fix it, or a guardrail stopped it. Once per
 * incident, however many events ask; nothing to do for an incident no longer active.
 */
export function decideEscalation(
  state: CheckState | undefined,
  incidentId: string,
  reason: string,
  now: Date,
  run?: Transition['run'],
): CheckState | undefined {
  const incident = state?.incident;
  if (!state || !incident || incident.id !== incidentId || incident.state === 'resolved' || incident.escalatedAt) return undefined;
  const next = transition(state, { ...incident, escalatedAt: now.toISOString() }, 'escalated', now, reason);
  return run ? { ...next, transition: { ...next.transition!, run } } : next;
}

/** A plan waits for approval; the notification carries the exact payload that approves it. */
export function decideProposal(
  state: CheckState | undefined,
  incidentId: string,
  summary: string,
  approval: NonNullable<Transition['approval']>,
  now: Date,
): CheckState | undefined {
  const incident = state?.incident;
  if (!state || !incident || incident.id !== incidentId || incident.state === 'resolved') throw new ActionRefusedError(`incident ${incidentId} is not active`);
  // The same proposal again (a retried attempt): it was already sent.
  if (state.transition?.kind === 'proposed' && state.transition.approval?.payload.approve === approval.payload.approve) return undefined;
  const next = transition(state, incident, 'proposed', now, summary);
  return { ...next, transition: { ...next.transition!, approval } };
}

/** Actions an incident keeps: enough for its resolution to say what fixed it. */
const ACTIONS_KEPT = 5;

/**
 * Something was done for the incident (a runbook's action or dry run, a human's through Vigil):
 * recorded, and the on-call told. Once per run and step, however often a retried attempt records it;
 * a resolved incident is still told of it. Nothing to record without the incident.
 */
export function decideActed(state: CheckState | undefined, incidentId: string, action: ActionTold, now: Date): CheckState | undefined {
  const incident = state?.incident;
  if (!state || !incident || incident.id !== incidentId) return undefined;
  if (action.run !== undefined && incident.actions?.some((a) => a.run === action.run && a.step === action.step && !a.finished === !action.finished))
    return undefined;
  const told = { ...incident, actions: [...(incident.actions ?? []), action].slice(-ACTIONS_KEPT) };
  const next = transition(state, told, action.dryRun ? 'observed' : 'acted', now, action.summary, action.by);
  return {
    ...next,
    transition: { ...next.transition!, action, ...(action.run && action.runbook ? { run: { id: action.run, runbook: action.runbook } } : {}) },
  };
}

/** The check's state after an operator acts on its incident; refuses what does not apply. */
export function decideHumanAction(state: CheckState | undefined, action: HumanAction, now: Date): CheckState {
  const incident = state?.incident;
  if (!state || !incident || incident.id !== action.incidentId) {
    throw new ActionRefusedError(`no incident ${action.incidentId}${incident ? `; the latest for ${state!.checkId} is ${incident.id}` : ''}`);
  }
  if (incident.state === 'resolved')
    throw new ActionRefusedError(`incident ${incident.id} is already resolved (by ${incident.resolvedBy} at ${incident.resolvedAt})`);
  const at = now.toISOString();
  const next = { ...state };
  switch (action.op) {
    case 'ack':
      if (incident.state === 'acknowledged') throw new ActionRefusedError(`incident ${incident.id} was already acknowledged by ${incident.acknowledgedBy}`);
      return transition(
        next,
        { ...incident, state: 'acknowledged', acknowledgedAt: at, acknowledgedBy: action.by },
        'acknowledged',
        now,
        action.reason,
        action.by,
      );
    case 'resolve':
      // Counting starts over, so a target that is still failing opens a new incident only after the threshold.
      return transition(
        { ...next, streak: { failing: false, count: 0 } },
        { ...incident, state: 'resolved', resolvedAt: at, resolvedBy: action.by },
        'resolved',
        now,
        action.reason,
        action.by,
      );
    case 'silence':
      // Silencing again moves the end: the on-call hears of the new end once.
      return transition(
        next,
        { ...incident, silenced: true, silenceReason: action.reason, ...(action.until ? { silencedUntil: action.until } : {}) },
        'silenced',
        now,
        action.reason,
        action.by,
      );
    case 'update': {
      // What the on-call tells stakeholders: it goes to their topic, and counts as their update for the cadence.
      const updated = transition(next, { ...incident, lastUpdateAt: at }, 'updated', now, action.reason, action.by);
      return { ...updated, transition: { ...updated.transition!, update: { public: action.public ?? false } } };
    }
    case 'unsilence': {
      if (!incident.silenced) throw new ActionRefusedError(`incident ${incident.id} is not silenced`);
      const { silenceReason: _reason, silencedUntil: _until, ...rest } = incident;
      return transition(next, { ...rest, silenced: false }, 'unsilenced', now, action.reason, action.by);
    }
  }
}
