import type { Clock } from '../clock.js';
import { groupMates } from '../config/groups.js';
import type { VigilConfig } from '../config/schema.js';
import type { CheckStates } from '../state/ports.js';
import { checkIdOf, isActive } from '../state/check-state.js';
import { applyHumanAction } from './operator.js';

/** The checks whose active incidents are told with `incidentId` (opened close after it in its group). */
export async function toldWithIt(store: CheckStates, config: Pick<VigilConfig, 'checks'>, incidentId: string): Promise<string[]> {
  const mates = groupMates(config.checks, checkIdOf(incidentId)).filter((id) => id !== checkIdOf(incidentId));
  if (!mates.length) return [];
  const states = await store.getCheckStates(mates);
  return mates.filter((id) => {
    const incident = states.get(id)?.incident;
    return isActive(incident) && incident.groupedWith === incidentId;
  });
}

/**
 * Acknowledging a group's lead acknowledges the incidents told with it: recorded on each one's timeline,
 * not sent (they were never paged on their own). Returns the checks whose incidents it acknowledged.
 */
export async function acknowledgeToldWith(
  store: CheckStates,
  config: Pick<VigilConfig, 'checks'>,
  incidentId: string,
  who: { by: string; reason: string },
  clock: Clock,
): Promise<string[]> {
  const members = await toldWithIt(store, config, incidentId);
  const states = members.length ? await store.getCheckStates(members) : new Map();
  const open = members.filter((id) => states.get(id)?.incident?.state === 'open');
  for (const id of open) {
    const reason = `with ${incidentId}: ${who.reason}`;
    await applyHumanAction(store, { op: 'ack', incidentId: states.get(id)!.incident!.id, by: who.by, reason }, clock);
  }
  return open;
}
