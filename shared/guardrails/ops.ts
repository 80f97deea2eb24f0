import { readDecideWrite } from '../state/read-decide-write.js';
import type { Guards } from '../state/ports.js';
import type { GuardState } from '../state/guard.js';

/** Reads a target's guard, applies `change` (undefined: nothing to change), writes it with the version condition. No guard: nothing to change. */
export async function updateGuard(store: Guards, targetKey: string, change: (guard: GuardState) => GuardState | undefined): Promise<GuardState | undefined> {
  const { current, written } = await readDecideWrite({
    read: async () => (await store.getGuard(targetKey)).guard,
    decide: (guard) => (guard ? change(guard) : undefined),
    write: (next, expected) => store.putGuard(next, expected),
  });
  return written ?? current;
}

/** A human closes an open circuit: the failure count starts over and actions may run again. */
export function resetCircuit(store: Guards, targetKey: string): Promise<GuardState | undefined> {
  return updateGuard(store, targetKey, (guard) => {
    const next: GuardState = { ...guard, failedVerifications: 0 };
    delete next.circuitOpenedAt;
    delete next.escalated;
    return next;
  });
}
