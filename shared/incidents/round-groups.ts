import { groupOf } from '../config/groups.js';
import type { CheckConfig } from '../config/schema.js';
import type { Finding } from '../findings.js';
import type { CheckStates } from '../state/ports.js';
import { checkIdOf, isActive, type CheckState } from '../state/check-state.js';
import { decideIncident } from './decide.js';
import { groupingFor, leadOf, opens, type GroupLead } from './grouping.js';
import type { FindingContext } from './transition.js';

export interface RoundGroups {
  /** The checks of the round told with their group's lead, and that lead. */
  toldWith: Map<string, GroupLead>;
  /** The leads: written after the rest, so their messages find the others' states. */
  leads: Set<string>;
}

/**
 * Which of a round's checks are told with a lead of their group. Decides the round once without grouping
 * (pure, nothing written) to see which incidents open now; reads the states of the other checks of a
 * group only when one of its checks opens, and the lead of a check already told with one: a round in
 * which nothing opens reads nothing more.
 */
export async function groupsOfRound(
  findings: readonly Finding[],
  deps: {
    checks: readonly CheckConfig[];
    /** The ids of a check's group, itself included. */
    matesOf: (checkId: string) => string[];
    states: Map<string, CheckState>;
    store: CheckStates;
    windowMinutes: number;
    now: Date;
  },
  contextOf: (check: CheckConfig) => FindingContext,
): Promise<RoundGroups> {
  const { checks, matesOf, states, store, windowMinutes, now } = deps;
  const byId = new Map(checks.map((c) => [c.id, c]));
  const grouped = findings.flatMap((f) => {
    const check = byId.get(f.checkId);
    const group = check && groupOf(check);
    return check && group !== undefined ? [{ finding: f, check, group }] : [];
  });
  // Decided ahead only where it can matter: a finding that may open an incident, or one that may close an active one.
  // A steady passing round decides nothing twice.
  const mayChange = ({ finding, check }: (typeof grouped)[number]) => finding.status !== 'ok' || isActive(states.get(check.id)?.incident);
  const tentative = new Map(grouped.filter(mayChange).map(({ finding, check }) => [check.id, decideIncident(states.get(check.id), finding, contextOf(check))]));
  const opening = new Set(grouped.filter(({ check }) => opens(states.get(check.id), tentative.get(check.id))).map(({ check }) => check.id));
  // Each opening group's checks, found once however many of them open.
  const mates = new Map<string, string[]>();
  for (const { check, group } of grouped) if (opening.has(check.id) && !mates.has(group)) mates.set(group, matesOf(check.id));

  const wanted = new Set<string>([...mates.values()].flat());
  for (const { check } of grouped) {
    const held = states.get(check.id)?.incident;
    if (isActive(held) && held.groupedWith) wanted.add(checkIdOf(held.groupedWith));
  }
  const unread = [...wanted].filter((id) => !states.has(id) && !tentative.has(id));
  const others = unread.length ? await store.getCheckStates(unread) : new Map<string, CheckState>();
  const stateOf = (id: string) => tentative.get(id) ?? states.get(id) ?? others.get(id);

  const result: RoundGroups = { toldWith: new Map(), leads: new Set() };
  const leads = new Map<string, GroupLead | undefined>();
  for (const { check, group } of grouped) {
    const isOpening = opening.has(check.id);
    if (isOpening && !leads.has(group)) leads.set(group, leadOf(group, mates.get(group)!.map(stateOf), now, windowMinutes));
    const lead = groupingFor({ id: check.id, group }, states.get(check.id), isOpening, leads.get(group), stateOf);
    if (!lead) continue;
    result.toldWith.set(check.id, lead);
    result.leads.add(lead.checkId);
  }
  return result;
}
