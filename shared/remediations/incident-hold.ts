import * as z from '../zod.js';
import { RemediationRefusedError } from '../errors.js';
import type { ActiveIncident, NamedCheck, RemediationContext } from './remediation.js';

/**
 * Refuses while an active incident (but the one the run answers) is one `matches` picks, or while
 * the incidents cannot all be read: a guard that cannot see holds. `what` names the action.
 */
export async function refuseDuringIncident(ctx: RemediationContext, matches: (incident: ActiveIncident) => boolean, what: string): Promise<void> {
  if (!ctx.incidents) throw new RemediationRefusedError(`Vigil's incidents cannot be read here; ${what} waits until they can`);
  const { incidents, complete } = await ctx.incidents.others(ctx.signal);
  const open = incidents.find(matches);
  if (open) throw new RemediationRefusedError(`${what} waits: incident ${open.id} is active (${open.summary})`);
  if (!complete) throw new RemediationRefusedError(`${what} waits: more incidents are active than one read shows, so none can be ruled out`);
}

/**
 * The setting that names the checks (by id) and alarms (`alarm:<name>`) whose incidents hold a remediation.
 * The config refuses an id no check has: a misspelt one would hold nothing.
 */
export const serviceChecksSetting = z._default(z.array(z.string().check(z.minLength(1))), []);

/** The checks `serviceChecks` names, for the config to hold to ids it has; alarms are named by the stack. */
export const serviceChecksNamed = (s: { serviceChecks: string[] }): NamedCheck[] =>
  s.serviceChecks.flatMap((id, j) =>
    id.startsWith('alarm:') ? [] : [{ path: ['serviceChecks', j], id, hint: 'name a check by its id, or an alarm as "alarm:<its name>"' }],
  );
