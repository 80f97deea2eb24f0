import { StateConflictError, type StateStore } from '../store/state-store.js';
import type { GuardState } from './types.js';

/** Reads a target's guard, applies `change`, writes it with the version condition; rereads on conflict. No guard: nothing to change. */
export async function updateGuard(store: StateStore, targetKey: string, change: (guard: GuardState) => GuardState): Promise<GuardState | undefined> {
  for (let attempt = 0; ; attempt++) {
    const { guard } = await store.getGuard(targetKey);
    if (!guard) return undefined;
    const next = change(guard);
    try {
      await store.putGuard(next, guard.version);
      return next;
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= 3) throw err;
    }
  }
}

/** A human closes an open circuit: the failure count starts over and actions may run again. */
export function resetCircuit(store: StateStore, targetKey: string): Promise<GuardState | undefined> {
  return updateGuard(store, targetKey, (guard) => {
    const next: GuardState = { ...guard, version: guard.version + 1, failedVerifications: 0 };
    delete next.circuitOpenedAt;
    return next;
  });
}
