import type { Clock } from '../clock.js';
import type { StateStore } from '../store/state-store.js';
import { decideHumanAction, type HumanAction } from './human.js';
import type { CheckState } from './types.js';
import { updateCheckState } from './update-state.js';

/** `api-health/3` → `api-health`: the incident id names the check whose state owns it. */
export function checkIdOf(incidentId: string): string {
  return incidentId.slice(0, Math.max(0, incidentId.lastIndexOf('/')));
}

/**
 * Applies an operator's ack, resolve or silence with one conditional write. If a round wrote the
 * check in between, it reads again and decides again, so neither the round nor the operator is lost.
 */
export function applyHumanAction(store: StateStore, action: HumanAction, clock: Clock): Promise<CheckState> {
  return updateCheckState(store, checkIdOf(action.incidentId), (current) => decideHumanAction(current, action, clock.now()));
}
