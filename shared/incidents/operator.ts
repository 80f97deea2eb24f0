import type { Clock } from '../clock.js';
import { StateConflictError, type StateStore } from '../store/state-store.js';
import { decideHumanAction, type HumanAction } from './human.js';
import type { CheckState } from './types.js';

/** `api-health/3` → `api-health`: the incident id names the check whose state owns it. */
export function checkIdOf(incidentId: string): string {
  return incidentId.slice(0, Math.max(0, incidentId.lastIndexOf('/')));
}

/**
 * Applies an operator's ack, resolve or silence with one conditional write. If a round wrote the
 * check in between, it reads again and decides again, so neither the round nor the operator is lost.
 */
export async function applyHumanAction(store: StateStore, action: HumanAction, clock: Clock): Promise<CheckState> {
  const checkId = checkIdOf(action.incidentId);
  for (let attempt = 0; ; attempt++) {
    const current = (await store.getCheckStates([checkId])).get(checkId);
    const next = decideHumanAction(current, action, clock.now());
    try {
      await store.putCheckState(next, current?.version);
      return next;
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= 3) throw err;
    }
  }
}
