import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { riskOf, type RemediationConfig } from '../config/remediations.js';
import type { VigilConfig } from '../config/schema.js';
import { claim, decideRemediation, settle } from '../guardrails/decide.js';
import { updateGuard } from '../guardrails/ops.js';
import type { ActionRecord } from '../guardrails/types.js';
import { checkIdOf } from '../incidents/operator.js';
import { remediationRegistry } from '../remediations/index.js';
import type { Plan } from '../remediations/remediation.js';
import { StateConflictError, type GuardRead, type StateStore } from '../store/state-store.js';
import type { CheckState } from '../incidents/types.js';

export interface ActDeps {
  config: VigilConfig;
  store: StateStore;
  aws: AwsPorts;
  clock: Clock;
}

export interface ActRequest {
  remediationId: string;
  /** The alarm event or approval this action answers: at most one action per request. */
  eventId: string;
  /** The incident it answers, at its version when the plan was made: a changed incident makes the plan stale. None for an operator's ad hoc action. */
  incident: { id: string; version: number } | undefined;
  approved: boolean;
  /** Writes a line on the incident's timeline. */
  note: (kind: string, summary: string, reason?: string) => Promise<void>;
  /**
   * The guard and kill switch as the caller read them, and the incident's state as the caller
   * has just written it: spares the first read. A stale guard only costs a lost conditional write.
   */
  known?: GuardRead;
}

/** Nothing done, by design: a dry run, a proposal, or a guardrail that needs nobody told. */
type Held<K> = { outcome: K; plan: Plan; reason: string; remediation: RemediationConfig };
/** Nothing done, and a human must know: refused, failed, escalated by a guardrail, or stale. */
type Stopped<K> = { outcome: K; plan?: Plan; reason: string; remediation: RemediationConfig };

export type ActOutcome =
  | { outcome: 'acted'; plan: Plan; result: string; targetKey: string; remediation: RemediationConfig }
  | Held<'observed'>
  | Held<'proposed'>
  | Held<'skipped'>
  | Stopped<'refused' | 'failed' | 'escalated' | 'stale'>;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One remediation through every guardrail: plan, decide, lock, re-check, act, record. */
export async function guardedAct(req: ActRequest, deps: ActDeps): Promise<ActOutcome> {
  const { config, store, aws, clock } = deps;
  const remediation = config.remediations.find((r) => r.id === req.remediationId)!;
  const impl = remediationRegistry.get(remediation.kind)!;
  const targetKey = targetKeyOf(remediation.id, config);

  let plan: Plan;
  try {
    plan = await impl.plan(remediation, { aws });
  } catch (err) {
    // Throttled, partial or ambiguous answers included: no plan, no action.
    const refused = (err as Error).name === 'RemediationRefusedError' || (err as Error).name === 'TargetUnresolvedError';
    return { outcome: refused ? 'refused' : 'failed', reason: `${remediation.id} cannot plan: ${message(err)}`, remediation };
  }

  for (let attempt = 0; ; attempt++) {
    const now = clock.now();
    const read = attempt === 0 && req.known ? req.known : await store.getGuard(targetKey, req.incident && checkIdOf(req.incident.id));
    const stale = req.incident && staleness(read.check, req.incident);
    if (stale) return { outcome: 'stale', plan, reason: stale, remediation };
    const { guard, killSwitch } = read;
    const verdict = decideRemediation({ remediation, risk: riskOf(remediation), guard, killSwitch, eventId: req.eventId, approved: req.approved, now });
    if (verdict.verdict === 'observe') return { outcome: 'observed', plan, reason: verdict.reason, remediation };
    if (verdict.verdict === 'propose') return { outcome: 'proposed', plan, reason: verdict.reason, remediation };
    if (verdict.verdict === 'skip') return { outcome: 'skipped', plan, reason: verdict.reason, remediation };
    if (verdict.verdict === 'escalate') return { outcome: 'escalated', plan, reason: verdict.reason, remediation };

    const keepMinutes = Math.max(remediation.maxActions.windowMinutes, remediation.cooldownMinutes, 60);
    const claimed = claim(guard, targetKey, remediation.id, req.eventId, now, remediation.leaseSeconds, keepMinutes);
    try {
      await store.putGuard(claimed, guard?.version);
      break;
    } catch (err) {
      // Someone else wrote the guard first: decide again on what they wrote.
      if (!(err instanceof StateConflictError) || attempt >= 3) throw err;
    }
  }

  // Sent with the action, not before it: a round trip less on the way to acting. A function that
  // dies mid-action still leaves this trace (the write is already on its way) and an expiring lock.
  const noting = req.note('acting', plan.summary, `${remediation.id} (${remediation.mode}${req.approved ? ', approved' : ''})`);
  noting.catch(() => undefined); // awaited below, once the action's outcome is recorded
  let outcome: ActOutcome;
  try {
    const result = await impl.execute(remediation, plan, { aws });
    await settleGuard(store, targetKey, req.eventId, 'done', clock, remediation.circuitBreaker.failures);
    outcome = { outcome: 'acted', plan, result, targetKey, remediation };
  } catch (err) {
    await settleGuard(store, targetKey, req.eventId, 'failed', clock, remediation.circuitBreaker.failures);
    outcome = { outcome: 'failed', plan, reason: `${remediation.id} failed: ${message(err)}`, remediation };
  }
  await noting;
  return outcome;
}

/** What a remediation acts on, as its guard is keyed: two remediations of one service share a lock. */
export function targetKeyOf(remediationId: string, config: VigilConfig): string {
  const remediation = config.remediations.find((r) => r.id === remediationId)!;
  return remediationRegistry.get(remediation.kind)!.targetKey(remediation);
}

/** Why a plan made at the incident's `version` no longer holds, or undefined when it does. */
function staleness(current: CheckState | undefined, incident: { id: string; version: number }): string | undefined {
  if (current && current.version === incident.version && current.incident?.id === incident.id && current.incident.state !== 'resolved') return undefined;
  return `the incident changed since the plan was made (${current?.transition?.kind ?? 'gone'} by ${current?.transition?.by ?? '?'})`;
}

/** Records an action's outcome on its target's guard (releasing the lock), rereading on conflict. */
export async function settleGuard(store: StateStore, targetKey: string, eventId: string, outcome: NonNullable<ActionRecord['outcome']>, clock: Clock, circuitFailures: number): Promise<void> {
  await updateGuard(store, targetKey, (guard) => settle(guard, eventId, outcome, clock.now(), circuitFailures));
}
