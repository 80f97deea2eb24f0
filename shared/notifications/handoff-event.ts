import type { Severity } from '../config/names.js';
import type { Incident, Transition } from '../state/check-state.js';
import { dedupKeyOf, type Notification } from './message.js';

/** The EventBridge `source` and `detail-type` of every transition Vigil hands off: what a rule matches on. */
export const HANDOFF_SOURCE = 'vigil';
export const HANDOFF_DETAIL_TYPE = 'Vigil Incident Transition';

/** What a pager does with a transition: PagerDuty's and Opsgenie's event actions, so a rule passes it on unchanged. */
export type PagerAction = 'trigger' | 'acknowledge' | 'resolve' | 'none';

/** The urgency scale pagers share (PagerDuty's `severity`): P1 is critical, P4 info. */
const URGENCY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = { P1: 'critical', P2: 'error', P3: 'warning', P4: 'info' };

const PAGER_ACTION: Record<Transition['kind'], PagerAction> = {
  opened: 'trigger',
  repeated: 'trigger',
  escalated: 'trigger',
  flapping: 'trigger',
  acknowledged: 'acknowledge',
  resolved: 'resolve',
  silenced: 'none',
  unsilenced: 'none',
  proposed: 'none',
  acted: 'none',
  observed: 'none',
  updated: 'none',
};

/** The `detail` of a hand-off event, version 1 (docs/operations.md documents each field). */
export interface HandoffDetail {
  version: '1';
  /** The SNS message's deduplication key, `<incident>#<seq>`: the same on every copy of this transition's event. */
  dedupKey: string;
  /** One per incident: a pager's alert key, so its trigger, acknowledgement and resolution meet. */
  incidentId: string;
  transition: Transition['kind'];
  pagerAction: PagerAction;
  severity: Severity;
  urgency: (typeof URGENCY)[Severity];
  state: Incident['state'];
  /** Whether the SNS message was sent: false while the incident is silenced. */
  paged: boolean;
  subject: string;
  summary: string;
  checkId: string;
  target: string;
  service: string;
  tags: Record<string, string>;
  at: string;
  by: string;
  reason?: string;
  /** For `escalated`: the level of the chain it goes to, e.g. `{ index: 2, name: 'lead' }`, for a rule to route on. */
  level?: { index: number; name: string; deadline?: boolean };
  /** For `updated`: whether a person marked it for the status page. */
  public?: boolean;
}

export interface HandoffEvent {
  source: typeof HANDOFF_SOURCE;
  detailType: typeof HANDOFF_DETAIL_TYPE;
  time: string;
  detail: HandoffDetail;
}

/** The event for one transition, from what its SNS message says. */
export function handoffEvent(incident: Incident, transition: Transition, message: Notification, paged: boolean, tags: Record<string, string>): HandoffEvent {
  return {
    source: HANDOFF_SOURCE,
    detailType: HANDOFF_DETAIL_TYPE,
    time: transition.at,
    detail: {
      version: '1',
      dedupKey: dedupKeyOf(incident.id, transition.seq),
      incidentId: incident.id,
      transition: transition.kind,
      pagerAction: PAGER_ACTION[transition.kind],
      severity: incident.severity,
      urgency: URGENCY[incident.severity],
      state: incident.state,
      paged,
      subject: message.subject,
      summary: incident.summary,
      checkId: incident.checkId,
      target: incident.target,
      service: tags.service ?? 'none',
      tags,
      at: transition.at,
      by: transition.by,
      ...(transition.reason ? { reason: transition.reason } : {}),
      ...(transition.level ? { level: transition.level } : {}),
      ...(transition.update ? { public: transition.update.public } : {}),
    },
  };
}

/** Puts hand-off events on a bus: EventBridge in Lambda, a printer locally. */
export interface EventPublisher {
  put(bus: string, event: HandoffEvent): Promise<{ eventId: string }>;
}
