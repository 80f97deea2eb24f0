import type { RunbookConfig } from '../config/runbooks.js';
import type { VigilConfig } from '../config/schema.js';
import { selects } from '../config/triggers.js';
import { isActive, isNewTransition, type CheckState } from '../state/check-state.js';

/** A check's transition that starts a runbook: one run per trigger, however often the stream delivers it. */
export interface CheckTrigger {
  runbook: RunbookConfig;
  checkId: string;
  incidentId: string;
  /** The check state's version the trigger was written at: a plan made on it is stale once the incident changes. */
  version: number;
  /** What started it: `opened`, `repeated`, `escalated`, or `failing 3 rounds`. */
  cause: string;
  /** The same for every delivery of the one stream record, and different for every other trigger. */
  eventId: string;
}

/**
 * The runbook a check-state write starts, if any: the first whose criteria select the check and whose
 * trigger this write is (a new transition it waits for, or the failing round it waits for). A silenced
 * incident starts nothing: someone said to leave it alone; nor does a flapping one: acting into it would
 * chase a state that changes again before the fix is verified.
 */
export function triggerFor(config: Pick<VigilConfig, 'checks' | 'runbooks'>, old: CheckState | undefined, next: CheckState): CheckTrigger | undefined {
  const incident = next.incident;
  if (!isActive(incident) || incident.silenced || incident.flapping) return undefined;
  const check = config.checks.find((c) => c.id === next.checkId);
  if (!check) return undefined;
  const transition = isNewTransition(old, next) ? next.transition : undefined;
  for (const runbook of config.runbooks) {
    const trigger = runbook.match.checks;
    if (!trigger || !selects(trigger, check)) continue;
    const base = { runbook, checkId: check.id, incidentId: incident.id, version: next.version };
    if (transition && transition.incidentId === incident.id && (trigger.on as string[]).includes(transition.kind)) {
      return { ...base, cause: transition.kind, eventId: `${incident.id}#${transition.seq}` };
    }
    const rounds = trigger.failingRounds;
    const reached = (s: CheckState | undefined) => (s?.streak.failing && s.incident?.id === incident.id ? s.streak.count : 0) >= rounds!;
    if (rounds && reached(next) && !reached(old)) return { ...base, cause: `failing ${rounds} rounds`, eventId: `${incident.id}#rounds-${rounds}` };
  }
  return undefined;
}
