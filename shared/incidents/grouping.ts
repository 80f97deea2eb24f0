import { checkIdOf, isActive, isNewTransition, type CheckState } from '../state/check-state.js';

const MINUTE_MS = 60_000;

/** The incident a group's others are told with: the first of the group to open within the window. */
export interface GroupLead {
  group: string;
  checkId: string;
  incidentId: string;
}

/**
 * A group's lead as a round sees its checks (this round's states where it decided them, else as stored):
 * the active incident that opened first within the window and is told on its own (not held by a silence,
 * a check it depends on, or another lead). Among incidents opened at once, the first in config order. Pure.
 */
export function leadOf(group: string, mates: readonly (CheckState | undefined)[], now: Date, windowMinutes: number): GroupLead | undefined {
  let lead: CheckState | undefined;
  for (const state of mates) {
    const incident = state?.incident;
    if (!isActive(incident) || incident.silenced || incident.causedBy || incident.groupedWith) continue;
    if (now.getTime() - Date.parse(incident.openedAt) >= windowMinutes * MINUTE_MS) continue;
    if (!lead || incident.openedAt < lead.incident!.openedAt) lead = state;
  }
  return lead && { group, checkId: lead.checkId, incidentId: lead.incident!.id };
}

/** Whether this write opens a new incident (the moment a check can join a group). */
export const opens = (previous: CheckState | undefined, next: CheckState | undefined): boolean =>
  next !== undefined && isNewTransition(previous, next) && next.transition!.kind === 'opened' && next.incident?.id !== previous?.incident?.id;

/**
 * The lead a check's incident is told with this round, if any: the one it was grouped with, for as long as
 * that one is active; else, when it opens now, its group's lead. Pure.
 */
export function groupingFor(
  check: { id: string; group: string },
  previous: CheckState | undefined,
  opening: boolean,
  lead: GroupLead | undefined,
  stateOf: (checkId: string) => CheckState | undefined,
): GroupLead | undefined {
  const held = isActive(previous?.incident) ? previous.incident.groupedWith : undefined;
  if (held) {
    const leadCheck = checkIdOf(held);
    const leadIncident = stateOf(leadCheck)?.incident;
    return isActive(leadIncident) && leadIncident.id === held ? { group: check.group, checkId: leadCheck, incidentId: held } : undefined;
  }
  return opening && lead && lead.checkId !== check.id ? lead : undefined;
}
