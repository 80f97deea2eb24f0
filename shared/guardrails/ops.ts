import { StateConflictError, type StateStore } from '../store/state-store.js';
import type { GuardState } from './types.js';

/** A human closes an open circuit: the failure count starts over and actions may run again. */
export async function resetCircuit(store: StateStore, targetKey: string): Promise<GuardState | undefined> {
  for (let attempt = 0; ; attempt++) {
    const { guard } = await store.getGuard(targetKey);
    if (!guard) return undefined;
    const next: GuardState = { ...guard, version: guard.version + 1, failedVerifications: 0 };
    delete next.circuitOpenedAt;
    try {
      await store.putGuard(next, guard.version);
      return next;
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= 3) throw err;
    }
  }
}
