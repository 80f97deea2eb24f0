import type { Clock } from '../clock.js';
import { matesIn } from '../config/groups.js';
import type { VigilConfig } from '../config/schema.js';
import type { CheckStates, RoundSummaries } from '../state/ports.js';
import { checkIdOf, isActive, type Incident } from '../state/check-state.js';
import { applyHumanAction } from './operator.js';

/** The active incidents told with `incidentId` (opened close after it in its group), by check. */
export async function membersOf(store: CheckStates, config: Pick<VigilConfig, 'checks' | 'whole'>, incidentId: string): Promise<Incident[]> {
  const lead = checkIdOf(incidentId);
  const mates = matesIn(config, lead).filter((id) => id !== lead);
  if (!mates.length) return [];
  const states = await store.getCheckStates(mates);
  return mates.flatMap((id) => {
    const incident = states.get(id)?.incident;
    return isActive(incident) && incident.groupedWith === incidentId ? [incident] : [];
  });
}

/** The checks whose active incidents are told with `incidentId`. */
export async function toldWithIt(store: CheckStates, config: Pick<VigilConfig, 'checks' | 'whole'>, incidentId: string): Promise<string[]> {
  return (await membersOf(store, config, incidentId)).map((i) => i.checkId);
}

/**
 * Acknowledging a group's lead acknowledges the incidents told with it: recorded on each one's timeline,
 * not sent (they were never paged on their own). Returns the checks whose incidents it acknowledged.
 */
export async function acknowledgeToldWith(
  store: CheckStates & Pick<RoundSummaries, 'markStatesTouched'>,
  config: Pick<VigilConfig, 'checks' | 'whole'>,
  incidentId: string,
  who: { by: string; reason: string },
  clock: Clock,
): Promise<string[]> {
  const open = (await membersOf(store, config, incidentId)).filter((i) => i.state === 'open');
  for (const member of open)
    await applyHumanAction(store, { op: 'ack', incidentId: member.id, by: who.by, reason: `with ${incidentId}: ${who.reason}` }, clock);
  return open.map((i) => i.checkId);
}
