import type { Incident } from '../state/check-state.js';
import { withinHours } from './business-hours.js';
import type { IncidentPolicy } from './policy.js';

const MINUTE_MS = 60_000;

/** What is due for an active incident now: one notice at a time, the most urgent first. */
export type Due =
  { kind: 'escalated'; level: number; name: string; reason: string; deadline?: true } | { kind: 'repeated' } | { kind: 'updated'; reason: string };

/**
 * The next notice an active, unheld incident is due at `now`, or undefined:
 * 1. the next level of the escalation chain, while nobody has acknowledged it;
 * 2. the resolution deadline, once, acknowledged or not: to the level after the last one reached;
 * 3. a reminder to the on-call, while nobody has acknowledged it;
 * 4. a status update to stakeholders, acknowledged or not.
 * Outside the business hours its severity waits for, nothing is due.
 */
export function dueNotice(incident: Incident, policy: IncidentPolicy, now: Date): Due | undefined {
  if (policy.hours && !withinHours(policy.hours, now)) return undefined;
  const minutesSince = (iso: string | undefined) => (now.getTime() - new Date(iso ?? incident.toldAt ?? incident.openedAt).getTime()) / MINUTE_MS;
  const told = minutesSince(incident.toldAt ?? incident.openedAt);
  const levels = policy.levels ?? [{ name: 'escalations', atMinutes: policy.respondMinutes }];
  const reached = incident.escalationLevel ?? (incident.escalatedAt ? 1 : 0);
  const open = incident.state === 'open';

  const next = levels[reached];
  if (open && next && told >= next.atMinutes) {
    return { kind: 'escalated', level: reached + 1, name: next.name, reason: `not acknowledged within ${next.atMinutes} minutes` };
  }
  if (policy.resolveMinutes && !incident.deadlineAt && told >= policy.resolveMinutes) {
    const level = Math.min(reached + 1, levels.length);
    return { kind: 'escalated', level, name: levels[level - 1]!.name, reason: `not resolved within ${policy.resolveMinutes} minutes`, deadline: true };
  }
  if (open && incident.notificationsSent - 1 < policy.maxRepeats && minutesSince(incident.lastNotifiedAt) >= policy.repeatMinutes) return { kind: 'repeated' };
  if (policy.updateMinutes && minutesSince(incident.lastUpdateAt) >= policy.updateMinutes) {
    const after = Math.floor(told);
    return {
      kind: 'updated',
      reason: `${incident.state === 'acknowledged' ? 'being worked on' : 'still open'} after ${after} minute${after === 1 ? '' : 's'}`,
    };
  }
  return undefined;
}
