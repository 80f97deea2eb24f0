import type { Finding } from '../findings.js';
import { isActive, type CheckState } from '../state/check-state.js';
import type { FlappingPolicy } from './policy.js';
import { holdOf, newIncident, transition, type FindingContext } from './transition.js';

const MINUTE_MS = 60_000;

const within = (at: string, minutes: number, now: Date) => now.getTime() - Date.parse(at) < minutes * MINUTE_MS;

/**
 * The times of the check's recent changes between failing and passing, with this finding's if it is one:
 * those within the window, and the latest always (stability is measured from it), no more than deciding
 * needs, so the item stays small. Pure.
 */
export function recentChanges(previous: CheckState | undefined, failing: boolean, now: Date, policy: FlappingPolicy): string[] | undefined {
  const changed = previous !== undefined && previous.streak.count > 0 && previous.streak.failing !== failing;
  const all = changed ? [...(previous.changes ?? []), now.toISOString()] : (previous?.changes ?? []);
  const kept = all.filter((at, i) => i === all.length - 1 || within(at, policy.windowMinutes, now)).slice(-(policy.changes + 1));
  return kept.length ? kept : undefined;
}

/** Whether these changes make the check flapping now: more of them within the window than the policy allows. */
export function startsFlapping(changes: readonly string[] | undefined, now: Date, policy: FlappingPolicy): boolean {
  return (changes ?? []).filter((at) => within(at, policy.windowMinutes, now)).length > policy.changes;
}

/** Whether a flapping check has held still (no change since its last) long enough to be judged on its state again. */
export function heldStill(state: CheckState, now: Date, policy: FlappingPolicy): boolean {
  const last = state.changes?.at(-1) ?? state.flappingSince;
  return last !== undefined && !within(last, policy.stableMinutes, now);
}

/**
 * What flapping decides for this finding, or undefined when the check is not flapping and its state decides
 * as usual. `next` is the check's state with this finding counted. Starting: one `flapping` transition, on
 * the incident open or on a new one. While flapping: nothing more is sent and nothing opens or resolves.
 * Held still long enough: judged on the state it held, so a resolution, or a page that it still fails.
 */
export function flappingStep(
  previous: CheckState | undefined,
  next: CheckState,
  finding: Finding,
  ctx: FindingContext,
  policy: FlappingPolicy,
): CheckState | undefined {
  const { now } = ctx;
  if (next.flappingSince === undefined) {
    if (!startsFlapping(next.changes, now, policy)) return undefined;
    const flapping = { ...next, flappingSince: now.toISOString() };
    const why = `changed ${policy.changes}+ times within ${policy.windowMinutes} minutes`;
    const incident = isActive(next.incident)
      ? { ...next.incident, flapping: true, summary: finding.summary, observed: finding.observed }
      : { ...newIncident(next, finding, ctx, next.changes![0]!), flapping: true };
    return transition(isActive(next.incident) ? flapping : { ...flapping, incidentCount: next.incidentCount + 1 }, incident, 'flapping', now, why);
  }
  if (!previous || !heldStill(previous, now, policy)) return next;

  // Counting starts over: the changes that made it flap are behind it.
  const { flappingSince: _since, changes: _changes, ...still } = next;
  if (!isActive(still.incident)) return still;
  const { flapping: _flapping, ...incident } = still.incident;
  const held = `stopped flapping: ${previous.streak.failing ? 'failing' : 'passing'} for ${policy.stableMinutes} minutes`;
  if (!previous.streak.failing) {
    const resolved = { ...incident, state: 'resolved' as const, resolvedAt: now.toISOString(), resolvedBy: 'vigil' };
    return transition(still, resolved, 'resolved', now, held);
  }
  // Still failing: the on-call hears it as a page, unless someone already has it or said to leave it alone.
  if (incident.silenced || holdOf(ctx) || incident.state === 'acknowledged') return { ...still, incident };
  const paged = { ...incident, notificationsSent: incident.notificationsSent + 1, lastNotifiedAt: now.toISOString() };
  return transition(still, paged, 'opened', now, held);
}
