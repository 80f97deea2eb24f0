import type { Clock } from '../clock.js';
import type { CheckStates, RoundSummaries } from '../state/ports.js';
import { decideHumanAction, type HumanAction } from './human.js';
import { RequestError } from '../errors.js';
import { checkIdOf, isActive, type CheckState, type Incident } from '../state/check-state.js';
import { updateCheckState } from './update-state.js';

/**
 * Applies an operator's ack, resolve or silence with one conditional write. If a round wrote the
 * check in between, it reads again and decides again, so neither the round nor the operator is lost.
 */
export function applyHumanAction(store: CheckStates & Pick<RoundSummaries, 'markStatesTouched'>, action: HumanAction, clock: Clock): Promise<CheckState> {
  // decideHumanAction always writes or throws, so there is a state to return.
  return updateCheckState(store, checkIdOf(action.incidentId), (current) => decideHumanAction(current, action, clock.now())) as Promise<CheckState>;
}

/** The state of the check that owns `incidentId`, refusing unless that incident is the active one. */
export async function activeIncidentState(store: CheckStates, incidentId: string): Promise<CheckState & { incident: Incident }> {
  const checkId = checkIdOf(incidentId);
  const state = (await store.getCheckStates([checkId])).get(checkId);
  if (!state?.incident || state.incident.id !== incidentId)
    throw new RequestError(`no active incident "${incidentId}"${state?.incident ? `; the latest for ${checkId} is ${state.incident.id}` : ''}`);
  if (!isActive(state.incident)) throw new RequestError(`incident ${incidentId} is already resolved`);
  return state as CheckState & { incident: Incident };
}
