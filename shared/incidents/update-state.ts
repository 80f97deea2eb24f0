import { StateConflictError, type StateStore } from '../store/state-store.js';
import type { CheckState } from './types.js';

/**
 * Reads a check's state, applies `change` (a pure decision that may throw to refuse), and writes it
 * with the version condition; on a conflict it reads and decides again, so no concurrent write is lost.
 */
export async function updateCheckState(store: StateStore, checkId: string, change: (current: CheckState | undefined) => CheckState): Promise<CheckState> {
  for (let attempt = 0; ; attempt++) {
    const current = (await store.getCheckStates([checkId])).get(checkId);
    const next = change(current);
    try {
      await store.putCheckState(next, current?.version);
      return next;
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= 3) throw err;
    }
  }
}
