import { dependentsOf } from '../config/dependencies.js';
import { groupOf } from '../config/groups.js';
import { membersOf } from '../incidents/told-with.js';
import type { VigilConfig } from '../config/schema.js';
import { isActive, type Incident } from '../state/check-state.js';
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

/** The incidents of a group told with its lead's messages. */
export interface GroupTold {
  group: string;
  members: FailingDependent[];
}

/** The active incidents told with `incident` (opened close after it in its group): read only for a check in a group. */
export async function toldWith(store: CheckStates, config: Pick<VigilConfig, 'checks'>, incident: Incident, kind: string): Promise<GroupTold | undefined> {
  const check = config.checks.find((c) => c.id === incident.checkId);
  const group = check && groupOf(check);
  if (!LISTED.has(kind) || group === undefined) return undefined;
  const members = (await membersOf(store, config, incident.id)).map((m) => ({ checkId: m.checkId, summary: m.summary }));
  return members.length ? { group, members } : undefined;
}
