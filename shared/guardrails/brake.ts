import type { BrakePolicy } from '../config/brake.js';
import { ActionRefusedError } from '../errors.js';
import type { Brake, HeldAction } from '../state/brake.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** What a lifted brake's message lists of what it held back; the rest are counted. */
const HELD_KEPT = 50;

/** The incidents as the index counts them, each its own problem (not caused by a check it depends on, nor told with its group's first). */
export interface IncidentCounts {
  /** Opened since `countingSince`. */
  openedRecently: number;
  /** Of those, the ones of Vigil's own checks (not of alarms): the share is of the checks. */
  checksOpenedRecently: number;
  /** Active now. */
  active: number;
}

/** What the brake decides on, besides itself: the incidents (when counted), and the config's size. */
export interface BrakeView {
  counts?: IncidentCounts | undefined;
  checks: number;
  now: Date;
  policy: BrakePolicy;
}

export type CountedView = BrakeView & { counts: IncidentCounts };

/** How many of the checks failing at once engage it: their share, and at least 3. */
export const shareThreshold = (policy: BrakePolicy, checks: number): number => Math.max(3, Math.ceil(policy.failing.share * checks));

/** Fewer active incidents than this, and it is calm: the fewer of `count` and the checks' share. */
export function failureThreshold(policy: BrakePolicy, checks: number): number {
  return Math.min(policy.failing.count, shareThreshold(policy, checks));
}

/** Incidents count from the start of the window, or from the last lift if later: what was released is not counted again. */
export function countingSince(brake: Brake | undefined, now: Date, policy: BrakePolicy): string {
  const windowStart = new Date(now.getTime() - policy.failing.windowMinutes * MINUTE_MS).toISOString();
  return brake?.lifted && brake.lifted.at > windowStart ? brake.lifted.at : windowStart;
}

const blank: Brake = { version: 0, actions: [] };

/** An automatic action about to be taken: what it would do, and where. */
export interface ActionAsk {
  eventId: string;
  target: string;
  remediation: string;
  summary: string;
  incidentId?: string | undefined;
}

/**
 * Whether an automatic action may go: its place in the hour's budget, or held (proposed instead) because the
 * brake is on, or goes on now. `next` is the brake to write (undefined: nothing to write); an action already
 * counted (its own earlier attempt, whose reply may have been lost) goes without counting twice. Pure.
 */
export function askBrake(brake: Brake | undefined, ask: ActionAsk, view: BrakeView): { next?: Brake; held?: string } {
  const { now, policy } = view;
  if (brake?.actions.some((a) => a.eventId === ask.eventId && a.target === ask.target)) return {};
  // Counted when it is on (may it lift?); off, the budget decides here and notify engages it on failures.
  let current = (view.counts ? watchBrake(brake, view as CountedView) : undefined) ?? brake ?? blank;
  if (!current.engaged) {
    const recent = current.actions.filter((a) => now.getTime() - Date.parse(a.at) < HOUR_MS);
    const reason = failuresReason(view) ?? (recent.length >= policy.actionsPerHour ? budgetReason(recent.length, policy) : undefined);
    if (!reason) return { next: { ...current, actions: [...recent, { at: now.toISOString(), eventId: ask.eventId, target: ask.target }] } };
    current = { ...current, actions: recent, engaged: { at: now.toISOString(), reason } };
  }
  const why = `the brake is on since ${current.engaged!.at}: ${current.engaged!.reason}`;
  // Held already (an earlier attempt whose reply was lost): held again, with nothing more to write.
  if (brake?.held?.some((h) => h.eventId === ask.eventId && h.target === ask.target)) return { ...(current === brake ? {} : { next: current }), held: why };
  const held: HeldAction = {
    at: now.toISOString(),
    eventId: ask.eventId,
    remediation: ask.remediation,
    target: ask.target,
    summary: ask.summary,
    ...(ask.incidentId ? { incidentId: ask.incidentId } : {}),
  };
  return { next: { ...current, held: [...(current.held ?? []), held].slice(-HELD_KEPT) }, held: why };
}

/**
 * The brake after incidents changed: engaged when too many opened at once; once on, calm counted from when
 * fewer are active than it engages on, and lifted when that has lasted. Undefined when nothing changes. Pure.
 */
export function watchBrake(brake: Brake | undefined, view: CountedView): Brake | undefined {
  const { now, policy } = view;
  const current = brake ?? blank;
  if (!current.engaged) {
    const reason = failuresReason(view);
    return reason ? { ...current, engaged: { at: now.toISOString(), reason } } : undefined;
  }
  const calm = view.counts.active < failureThreshold(policy, view.checks);
  if (!calm) {
    if (!current.calmSince) return undefined;
    const { calmSince: _, ...still } = current;
    return still;
  }
  if (!current.calmSince) return { ...current, calmSince: now.toISOString() };
  if (now.getTime() - Date.parse(current.calmSince) < policy.calmMinutes * MINUTE_MS) return undefined;
  return lift(current, 'vigil', `fewer than ${failureThreshold(policy, view.checks)} incidents active for ${policy.calmMinutes} minutes`, now);
}

/** An operator lifts the brake now; refused when it is not on. */
export function releaseBrake(brake: Brake | undefined, by: string, reason: string, now: Date): Brake {
  if (!brake?.engaged) throw new ActionRefusedError('the brake is not on; nothing to release');
  return lift(brake, by, reason, now);
}

/** Off, with what it held kept for the message that says so; the budget and the incident count start over. */
function lift(brake: Brake, by: string, reason: string, now: Date): Brake {
  return { version: brake.version, actions: [], lifted: { at: now.toISOString(), by, reason, held: brake.held ?? [] } };
}

function failuresReason({ counts, checks, policy }: BrakeView): string | undefined {
  if (!counts) return undefined;
  const { openedRecently, checksOpenedRecently } = counts;
  const window = `within ${policy.failing.windowMinutes} min`;
  if (openedRecently >= policy.failing.count) return `${openedRecently} incidents opened ${window} (brake at ${policy.failing.count})`;
  const share = shareThreshold(policy, checks);
  return checksOpenedRecently >= share ? `${checksOpenedRecently} of ${checks} checks failed ${window} (brake at ${share})` : undefined;
}

const budgetReason = (taken: number, policy: BrakePolicy) => `${taken} automatic actions in the last hour (budget ${policy.actionsPerHour})`;
