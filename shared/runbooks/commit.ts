import type { Clock } from '../clock.js';
import { decideActed, decideEscalation, decideProposal } from '../incidents/human.js';
import { updateCheckState } from '../incidents/update-state.js';
import { checkIdOf, type ActionTold, type Transition } from '../state/check-state.js';
import type { ActionOutcome } from '../state/guard.js';
import type { CheckStates, Guards, Proposal, Proposals, RoundSummaries, Runs, Timeline } from '../state/ports.js';
import type { RunRecord } from '../state/run.js';
import { actionNotice, handOverNotice } from '../notifications/action-notice.js';
import type { Publisher } from '../notifications/publisher.js';
import type { Notification } from '../notifications/message.js';
import { SetupError } from '../errors.js';
import { settleGuard } from './acting.js';
import type { Waker } from '../aws/waker.js';

/** What a step asks to be written. Each is idempotent: a retried attempt writing it again changes nothing. */
export type Effect =
  /** A line on the incident's timeline, keyed by its step and place in it. */
  | { kind: 'line'; at: string; step: number; line: number; what: string; summary: string; reason?: string }
  /** A verify step's verdict on the action, on the target's guard (the circuit counts it). */
  | { kind: 'settle'; targetKey: string; remediation: string; outcome: Extract<ActionOutcome, 'verified' | 'not-verified'>; circuitFailures: number }
  /** An action reaches a person: an `acted` (or `observed`) transition on the incident; on none, a message of its own. */
  | { kind: 'tell'; action: ActionTold; step: number }
  /** A plan waits for approval: the `proposed` transition, then the proposal at the incident's new version. */
  | { kind: 'propose'; proposal: Omit<Proposal, 'incidentVersion'>; reason: string; approval: NonNullable<Transition['approval']> }
  /** The incident handed to a human, once. */
  | { kind: 'escalate'; reason: string }
  /** A one-time schedule that wakes the sleeping run at `at`; named by the run, so asking twice makes one. */
  | { kind: 'wake'; at: string };

export interface CommitDeps {
  store: Runs & CheckStates & Pick<RoundSummaries, 'markStatesTouched'> & Guards & Timeline & Proposals;
  clock: Clock;
  /** Where an action, or a hand-over, with no incident to carry its message is told (the alerts topic). */
  notices?: { publisher: Publisher; topic: string } | undefined;
  /** What wakes a run that waits (EventBridge Scheduler deployed). */
  waker?: Waker | undefined;
}

/**
 * The order effects are written in, whatever order the step listed them in, and the run record last:
 * the run's own lines first (what it did, kept even when nothing after them can be written), then the
 * guard, then the incident's transitions, each of which the outbox turns into a message.
 */
const ORDER: Effect['kind'][] = ['line', 'settle', 'tell', 'propose', 'escalate', 'wake'];

/**
 * Writes a step's effects and then the run's next version, on the condition that no newer attempt
 * saved it. A crash in between leaves the step to run again, and each effect, written again, changes
 * nothing. Without effects, a step that only read (diagnose, pass) is not saved: it is cheaper to run again.
 */
export async function commit(record: RunRecord, effects: readonly Effect[], deps: CommitDeps, save = true): Promise<RunRecord> {
  let next = record;
  for (const effect of [...effects].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind))) next = await write(next, effect, deps);
  return save ? saveRun(deps.store, next) : next;
}

async function write(record: RunRecord, effect: Effect, { store, clock, notices, waker }: CommitDeps): Promise<RunRecord> {
  const incidentId = record.incidentId;
  const onIncident = (decide: Parameters<typeof updateCheckState>[2]) => updateCheckState(store, checkIdOf(incidentId!), decide);
  const now = clock.now();
  switch (effect.kind) {
    case 'line':
      if (incidentId)
        await store.appendTimeline(incidentId, {
          at: effect.at,
          kind: effect.what,
          by: record.actor ?? 'vigil',
          summary: effect.summary,
          ...(effect.reason ? { reason: effect.reason } : {}),
          key: lineKey(record.eventId, effect.step, effect.line, effect.what),
        });
      return record;
    case 'settle':
      await settleGuard(store, effect.targetKey, { eventId: record.eventId, remediation: effect.remediation }, effect.outcome, clock, effect.circuitFailures);
      return record;
    case 'tell': {
      if (!incidentId) {
        await notify(notices, actionNotice(effect.action));
        return record;
      }
      const state = await onIncident((s) => decideActed(s, incidentId!, effect.action, now));
      // The incident changed by this run's own hand: the run's later steps plan on it as it now stands.
      const own = state?.transition?.action;
      return state && own?.run === record.id && own.step === effect.step ? { ...record, incidentVersion: state.version } : record;
    }
    case 'propose': {
      // The brake held a scheduled run's action: with no incident to carry a proposal, a human is told instead.
      if (!incidentId) {
        await notify(notices, handOverNotice(record, `held for approval (${effect.reason}); run ${effect.proposal.remediation} by hand`));
        return record;
      }
      const state = await onIncident((s) => decideProposal(s, incidentId!, `${effect.proposal.summary} (${effect.reason})`, effect.approval, now));
      await store.putProposal({ ...effect.proposal, incidentVersion: state!.version });
      return record;
    }
    case 'wake':
      if (!waker) throw new SetupError('this function cannot schedule a wake-up (WAKE_ROLE_ARN): a run that waits would sleep for ever');
      await waker.wakeAt(record.id, new Date(effect.at));
      return record;
    case 'escalate':
      if (!incidentId) {
        await notify(notices, handOverNotice(record, effect.reason));
        return record;
      }
      // Once per incident: a second escalation (another event, a retried attempt) writes nothing.
      await onIncident((s) => decideEscalation(s, incidentId!, effect.reason, now, { id: record.id, runbook: record.runbook }));
      return record;
  }
}

/** A message no incident carries, on the alerts topic; a function given none cannot act unheard, so it fails. */
async function notify(notices: CommitDeps['notices'], message: Notification): Promise<void> {
  if (!notices) throw new SetupError('this function has no topic for what happens with no incident (TOPIC_ARN): nobody would hear of it');
  await notices.publisher.publish(notices.topic, message);
}

/** Timeline keys sort as the run wrote them: by step, then by line within the step; the same for every attempt. */
export function lineKey(eventId: string, step: number, line: number, kind: string): string {
  return `${eventId}.${String(step).padStart(2, '0')}.${line}.${kind}`;
}

/** Writes the run's next version, on the condition that nobody else (a newer attempt) did. */
export async function saveRun(store: Runs, record: RunRecord): Promise<RunRecord> {
  const next = { ...record, version: record.version + 1 };
  await store.putRun(next, record.version === 0 ? undefined : record.version);
  return next;
}
