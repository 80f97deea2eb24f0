import { readDecideWrite } from '../state/read-decide-write.js';
import type { StateStore } from '../state/ports.js';
import type { GuardState } from '../state/guard.js';

/** Reads a target's guard, applies `change` (undefined: nothing to change), writes it with the version condition. No guard: nothing to change. */
export async function updateGuard(
  store: StateStore,
  targetKey: string,
  change: (guard: GuardState) => GuardState | undefined,
): Promise<GuardState | undefined> {
  const { current, written } = await readDecideWrite({
    read: async () => (await store.getGuard(targetKey)).guard,
    decide: (guard) => (guard ? change(guard) : undefined),
    write: (next, guard) => store.putGuard(next, guard?.version),
  });
  return written ?? current;
}

/** A human closes an open circuit: the failure count starts over and actions may run again. */
export function resetCircuit(store: StateStore, targetKey: string): Promise<GuardState | undefined> {
  return updateGuard(store, targetKey, (guard) => {
    const next: GuardState = { ...guard, version: guard.version + 1, failedVerifications: 0 };
    delete next.circuitOpenedAt;
    delete next.escalated;
    return next;
  });
}
