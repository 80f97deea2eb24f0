import { readDecideWrite } from '../state/read-decide-write.js';
import type { CheckStates } from '../state/ports.js';
import type { Finding } from '../findings.js';
import { decideIncident, type FindingContext } from './decide.js';
import type { CheckState } from '../state/check-state.js';

export interface Applied {
  previous: CheckState | undefined;
  /** The state now stored; undefined when nothing changed and nothing was written. */
  written: CheckState | undefined;
}

/**
 * Decides and writes one finding with the version guard; on a conflict, reads again and decides again.
 * `previous` is the check's state as the caller read it (undefined: it has none yet).
 */
export async function applyFinding(store: CheckStates, finding: Finding, ctx: FindingContext, previous: CheckState | undefined): Promise<Applied> {
  const { current, written } = await readDecideWrite({
    known: { current: previous },
    read: async () => (await store.getCheckStates([finding.checkId])).get(finding.checkId),
    decide: (state) => decideIncident(state, finding, ctx),
    write: (next, expected) => store.putCheckState(next, expected),
  });
  return { previous: current, written };
}
