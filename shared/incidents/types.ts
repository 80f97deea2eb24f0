import type { Severity } from '../config/schema.js';
import type { Status } from '../findings.js';

export type IncidentState = 'open' | 'acknowledged' | 'resolved';

/** Each kind becomes a notification (none while the incident is silenced): one, or two copies with one key if SNS's reply was lost. */
export type TransitionKind = 'opened' | 'repeated' | 'escalated' | 'acknowledged' | 'resolved' | 'silenced' | 'unsilenced' | 'proposed' | 'acted';

export interface Incident {
  /** `<checkId>/<n>`: readable, and it names the check state that owns it. */
  id: string;
  checkId: string;
  target: string;
  severity: Severity;
  state: IncidentState;
  /** Opened in a silence or maintenance window, or silenced by an operator: recorded, not sent. */
  silenced: boolean;
  silenceReason?: string;
  /** Set by an operator's silence: when it ends. */
  silencedUntil?: string;
  openedAt: string;
  failingSince: string;
  /** The finding behind the latest transition. */
  summary: string;
  observed: Record<string, number>;
  /** Consecutive failing findings when it opened. */
  failuresAtOpen: number;
  /** The first notification plus reminders. */
  notificationsSent: number;
  lastNotifiedAt?: string;
  escalatedAt?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  /** `vigil` when it recovered by itself. */
  resolvedBy?: string;
  previousId?: string;
}

export interface Transition {
  /** Increases by one with every transition of this check; with the incident id, a notification's identity. */
  seq: number;
  kind: TransitionKind;
  incidentId: string;
  at: string;
  /** `vigil`, or the person who acted. */
  by: string;
  reason?: string;
  /** For `proposed`: what approves it, and until when. */
  approval?: { payload: Record<string, unknown>; function: string; expiresAt: string };
}

/** One item per check: what its findings have been lately, and its current (or last) incident. */
export interface CheckState {
  checkId: string;
  target: string;
  /** Guards every write: a write succeeds only against the version it read. */
  version: number;
  status: Status;
  statusSince: string;
  /** Consecutive passing or failing findings, counted only as far as a decision needs. */
  streak: { failing: boolean; count: number };
  incidentCount: number;
  incident?: Incident;
  /** The latest transition. A new one here is the outbox entry the notify function sends. */
  transition?: Transition;
}

export function isActive(incident: Incident | undefined): incident is Incident {
  return incident !== undefined && incident.state !== 'resolved';
}

/** Whether `next` carries a transition `previous` did not: the outbox's news. */
export function isNewTransition(previous: CheckState | undefined, next: CheckState): boolean {
  return next.transition !== undefined && next.transition.seq !== previous?.transition?.seq;
}
