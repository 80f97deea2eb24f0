import { dependentsOf } from '../config/dependencies.js';
import type { VigilConfig } from '../config/schema.js';
import { isActive } from '../state/check-state.js';
import type { CheckStates } from '../state/ports.js';

/** A check that depends on the one a message is about, failing now: listed there instead of paged on its own. */
export interface FailingDependent {
  checkId: string;
  summary: string;
}

/** The transitions whose messages list the failing dependents: the ones that say the check is (still) down, or back. */
const LISTED = new Set(['opened', 'repeated', 'escalated', 'resolved']);

/** The checks that depend on `checkId` and fail now, as their states say (one read, and only for a check others depend on). */
export async function failingDependents(store: CheckStates, config: Pick<VigilConfig, 'checks'>, checkId: string, kind: string): Promise<FailingDependent[]> {
  const ids = LISTED.has(kind) ? dependentsOf(config.checks, checkId) : [];
  if (!ids.length) return [];
  const states = await store.getCheckStates(ids);
  return ids.flatMap((id) => {
    const state = states.get(id);
    if (!state?.streak.failing) return [];
    return [
      {
        checkId: id,
        summary: isActive(state.incident) ? state.incident.summary : `${state.status} for ${state.streak.count} round${state.streak.count > 1 ? 's' : ''}`,
      },
    ];
  });
}
