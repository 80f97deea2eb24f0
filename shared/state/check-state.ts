import type { Severity } from '../config/schema.js';
import type { Status } from '../findings.js';

export type IncidentState = 'open' | 'acknowledged' | 'resolved';

/** Each kind becomes a notification (none while the incident is silenced): one, or two copies with one key if SNS's reply was lost. */
export const TRANSITION_KINDS = [
  'opened',
  'repeated',
  'escalated',
  'acknowledged',
  'resolved',
  'silenced',
  'unsilenced',
  'proposed',
  'acted',
  'observed',
  'flapping',
  'updated',
] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

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
  /** Opened while a check it depends on failed: that check's messages list it, and it pages on its own only if it outlasts it. */
  causedBy?: string;
  /** Opened within the grouping window after this incident of its group: told in that one's messages, not on its own. */
  groupedWith?: string;
  /** Its check is flapping: told once, no runbook acts for it, until the check holds still. */
  flapping?: boolean;
  openedAt: string;
  /** When the on-call was first told, for an incident opened held (silenced, caused, grouped): its response time runs from then. */
  toldAt?: string;
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
  /** The highest level of the escalation chain it has reached (1: the first). */
  escalationLevel?: number;
  /** When it was escalated for missing its resolution deadline: once. */
  deadlineAt?: string;
  /** When stakeholders were last told of it (an update, Vigil's or a person's). */
  lastUpdateAt?: string;
  /** Held outside the business hours its severity waits for: it pages, saying so, when they begin. */
  afterHours?: boolean;
  /** What was done for it, Vigil's actions and humans' through Vigil, newest last (the last few). */
  actions?: ActionTold[];
}

/** An action someone took for an incident, as the on-call is told of it. */
export interface ActionTold {
  /** `vigil`, or the human who ran or approved it. */
  by: string;
  at: string;
  /** What was done, in a line: the plan's summary, or the operator's action. */
  summary: string;
  /** What the target answered. */
  result?: string;
  remediation?: string;
  /** What it acted on, e.g. `ecs:prod/orders-api`. */
  target?: string;
  /** Observe mode: what it would have done; nothing was changed. */
  dryRun?: boolean;
  /** Why, as the human who ran it by hand said. */
  reason?: string;
  runbook?: string;
  /** The run and step it belongs to: one message per action, however often a retry records it. */
  run?: string;
  step?: number;
  /** The end of an action that went on after its call (a restore test's result): told apart from its start. */
  finished?: boolean;
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
  /** For `acted` (and `observed`, a dry run): what was done, or would have been. */
  action?: ActionTold;
  /** For `escalated`: the level of the chain it goes to, and whether the resolution deadline was missed. */
  level?: { index: number; name: string; deadline?: boolean };
  /** For `updated`: whether it is for the public status page too (a person's update says; Vigil's own are not). */
  update?: { public: boolean };
  /** The runbook run that wrote it (an action, or the escalation that hands over after one). */
  run?: { id: string; runbook: string };
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
  /** The alarm event last applied: its retried delivery is the same evidence, counted once. */
  lastEvent?: string;
  /** When it last changed between failing and passing, within the flapping window: written only when it changes. */
  changes?: string[];
  /** Flapping since then: incident transitions wait until it holds still. */
  flappingSince?: string;
}

export function isActive(incident: Incident | undefined): incident is Incident {
  return incident !== undefined && incident.state !== 'resolved';
}

/** Whether `next` carries a transition `previous` did not: the outbox's news. */
export function isNewTransition(previous: CheckState | undefined, next: CheckState): boolean {
  return next.transition !== undefined && next.transition.seq !== previous?.transition?.seq;
}

/** `api-health/3` → `api-health`: the incident id names the check whose state owns it. */
export function checkIdOf(incidentId: string): string {
  return incidentId.slice(0, Math.max(0, incidentId.lastIndexOf('/')));
}
