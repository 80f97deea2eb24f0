import type { Severity } from '../config/schema.js';
import type { Silence } from '../config/silences.js';
import type { Finding } from '../findings.js';
import type { Cause } from './dependencies.js';
import type { GroupLead } from './grouping.js';
import type { IncidentPolicy } from './policy.js';
import { localLabel, nextOpening, withinHours } from './business-hours.js';
import type { CheckState, Incident, TransitionKind } from '../state/check-state.js';

export interface FindingContext {
  policy: IncidentPolicy;
  severity: Severity;
  /** The silence covering this check now, if any. */
  silence: Silence | undefined;
  now: Date;
  /** The event the finding comes from (an alarm's): applied once, however often it is delivered. */
  eventId?: string;
  /** A check this one depends on, failing now: this one's incident is its consequence, recorded and not paged. */
  cause?: Cause | undefined;
  /** The incident of its group it is told with: opened close before it, or the one it was grouped with and still active. */
  group?: GroupLead | undefined;
}

export interface Hold {
  reason: string;
  causedBy?: string;
  groupedWith?: string;
  afterHours?: boolean;
}

/**
 * Why an incident is recorded and not sent: a silence, a failing check it depends on, its group's incident,
 * or the business hours its severity waits for.
 */
export function holdOf({ silence, cause, group, policy, now }: FindingContext): Hold | undefined {
  if (silence) return { reason: silence.reason };
  if (cause) return { reason: `caused by ${cause.checkId}: ${cause.summary}`, causedBy: cause.checkId };
  if (group) return { reason: `told with ${group.incidentId}, of its group ${group.group}`, groupedWith: group.incidentId };
  const hours = policy.hours;
  if (hours && !withinHours(hours, now))
    return { reason: `outside business hours: waits until ${localLabel(hours, nextOpening(hours, now))}`, afterHours: true };
  return undefined;
}

/** The check's next incident, opened now on this finding; held (recorded, not sent) when something holds it. */
export function newIncident(state: CheckState, finding: Finding, ctx: FindingContext, failingSince: string): Incident {
  const hold = holdOf(ctx);
  const now = ctx.now.toISOString();
  return {
    id: `${finding.checkId}/${state.incidentCount + 1}`,
    checkId: finding.checkId,
    target: finding.target,
    severity: ctx.severity,
    state: 'open',
    silenced: hold !== undefined,
    ...(hold ? { silenceReason: hold.reason } : {}),
    ...(hold?.causedBy ? { causedBy: hold.causedBy } : {}),
    ...(hold?.groupedWith ? { groupedWith: hold.groupedWith } : {}),
    ...(hold?.afterHours ? { afterHours: true } : {}),
    openedAt: now,
    failingSince,
    summary: finding.summary,
    observed: finding.observed,
    failuresAtOpen: state.streak.failing ? state.streak.count : 0,
    notificationsSent: hold ? 0 : 1,
    ...(hold ? {} : { lastNotifiedAt: now }),
    ...(state.incident ? { previousId: state.incident.id } : {}),
  };
}

export function transition(state: CheckState, incident: Incident, kind: TransitionKind, now: Date, reason?: string, by = 'vigil'): CheckState {
  return {
    ...state,
    incident,
    transition: { seq: (state.transition?.seq ?? 0) + 1, kind, incidentId: incident.id, at: now.toISOString(), by, ...(reason ? { reason } : {}) },
  };
}
