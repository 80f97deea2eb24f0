import { readDecideWrite } from '../state/read-decide-write.js';
import type { CheckStates, RoundSummaries } from '../state/ports.js';
import type { CheckState } from '../state/check-state.js';

/**
 * Reads a check's state, applies `change` (a pure decision that may throw to refuse, or return
 * undefined when there is nothing to change), and writes it with the version condition, then moves
 * the marker that tells rounds to read their checks again (an operator's or a runbook's write).
 * Returns the state as it now stands.
 */
export async function updateCheckState(
  store: CheckStates & Pick<RoundSummaries, 'markStatesTouched'>,
  checkId: string,
  change: (current: CheckState | undefined) => CheckState | undefined,
): Promise<CheckState | undefined> {
  const { current, written } = await readDecideWrite({
    read: async () => (await store.getCheckStates([checkId])).get(checkId),
    decide: change,
    write: (next, expected) => store.putCheckState(next, expected),
  });
  if (written) await store.markStatesTouched();
  return written ?? current;
}
