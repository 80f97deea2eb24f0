import { StateConflictError, type StateStore } from '../store/state-store.js';
import type { Finding } from '../findings.js';
import { decideIncident, type FindingContext } from './decide.js';
import type { CheckState } from './types.js';

/** Rereads after a lost race before giving up on a finding. */
const CONFLICT_RETRIES = 4;

export interface Applied {
  previous: CheckState | undefined;
  /** The state now stored; undefined when nothing changed and nothing was written. */
  written: CheckState | undefined;
}

/**
 * Decides and writes one finding with the version guard; on a conflict, reads again and decides again.
 * `previous` is the check's state as the caller read it (undefined: it has none yet).
 */
export async function applyFinding(store: StateStore, finding: Finding, ctx: FindingContext, previous: CheckState | undefined): Promise<Applied> {
  for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
    const next = decideIncident(previous, finding, ctx);
    if (!next) return { previous, written: undefined };
    try {
      await store.putCheckState(next, previous?.version);
      return { previous, written: next };
    } catch (err) {
      if (!(err instanceof StateConflictError)) throw err;
      previous = (await store.getCheckStates([finding.checkId])).get(finding.checkId);
    }
  }
  throw new Error(`still conflicting after ${CONFLICT_RETRIES} rereads`);
}
