import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { riskOf, type RemediationConfig } from '../config/remediations.js';
import type { VigilConfig } from '../config/schema.js';
import { isAmbiguous } from '../aws/retries.js';
import { claim, decideRemediation, markEscalated, orphanedClaim, settle, type Claimed, type Verdict } from '../guardrails/decide.js';
import { updateGuard } from '../guardrails/ops.js';
import type { ActionOutcome, ActionRecord } from '../state/guard.js';
import { checkIdOf } from '../incidents/operator.js';
import { remediationRegistry } from '../remediations/index.js';
import { RemediationRefusedError, type Plan, type Reconciled } from '../remediations/remediation.js';
import { TargetUnresolvedError } from '../aws/errors.js';
import { SetupError, VigilError } from '../errors.js';
import { readDecideWrite } from '../state/read-decide-write.js';
import type { GuardRead, StateStore } from '../state/ports.js';
import type { CheckState } from '../state/check-state.js';

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
  /** The call may or may not have taken effect, and reading the target could not tell: a human must look. */
  | { outcome: 'unknown'; plan: Plan; result: string; targetKey: string; remediation: RemediationConfig }
  | Held<'observed'>
  | Held<'proposed'>
  | Held<'skipped'>
  | Stopped<'refused' | 'failed' | 'escalated' | 'stale'>;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One remediation through every guardrail: plan, decide, lock, re-check, act, record. */
export async function guardedAct(req: ActRequest, deps: ActDeps): Promise<ActOutcome> {
  const { config, store } = deps;
  const remediation = config.remediations.find((r) => r.id === req.remediationId)!;
  const targetKey = targetKeyOf(remediation.id, config);
  const checkId = req.incident && checkIdOf(req.incident.id);
  let first = req.known ?? (await store.getGuard(targetKey, checkId));
  const orphan = orphanedClaim(first.guard, req.eventId, deps.clock.now());
  if (orphan) {
    await settleOrphan(orphan, targetKey, deps);
    first = await store.getGuard(targetKey, checkId);
  }

  // This event's own claim (an earlier attempt's, or a write whose reply was lost): carry on with its plan.
  const prior = first.guard?.actions.find((a) => a.eventId === req.eventId && a.remediation === remediation.id);
  if (prior) return resume(remediation, prior, req, deps, targetKey);

  const planned = await planFor(remediation, deps);
  if ('outcome' in planned) return planned;
  const { plan } = planned;

  let verdict: Verdict | undefined;
  let stale: string | undefined;
  await readDecideWrite({
    known: { current: first },
    read: () => store.getGuard(targetKey, checkId),
    decide: ({ guard, killSwitch, check }) => {
      const now = deps.clock.now();
      stale = req.incident && staleness(check, req.incident);
      if (stale) return undefined;
      verdict = decideRemediation({ remediation, risk: riskOf(remediation), guard, killSwitch, eventId: req.eventId, approved: req.approved, now });
      if (verdict.verdict === 'act') {
        const keepMinutes = Math.max(remediation.maxActions.windowMinutes, remediation.cooldownMinutes, 60);
        return claim(guard, targetKey, remediation.id, req.eventId, now, remediation.leaseSeconds, keepMinutes, plan);
      }
      return verdict.verdict === 'escalate' ? markEscalated(guard, targetKey, verdict.guardrail, now) : undefined;
    },
    write: (next, { guard }) => store.putGuard(next, guard?.version),
  });
  if (stale) return { outcome: 'stale', plan, reason: stale, remediation };
  const v = verdict!;
  if (v.verdict === 'resume') return resume(remediation, v.prior, req, deps, targetKey);
  if (v.verdict === 'observe') return { outcome: 'observed', plan, reason: v.reason, remediation };
  if (v.verdict === 'propose') return { outcome: 'proposed', plan, reason: v.reason, remediation };
  if (v.verdict === 'skip') return { outcome: 'skipped', plan, reason: v.reason, remediation };
  if (v.verdict === 'escalate') return { outcome: 'escalated', plan, reason: v.reason, remediation };
  return carryOut(remediation, plan, req, deps, targetKey);
}

/** The remediation's plan, or why there is none: throttled, partial or ambiguous answers included, no plan means no action. */
async function planFor(remediation: RemediationConfig, deps: ActDeps): Promise<{ plan: Plan } | Stopped<'refused' | 'failed'>> {
  try {
    return { plan: await remediationRegistry.get(remediation.kind)!.plan(remediation, { aws: deps.aws }) };
  } catch (err) {
    // Refused: the target offers nothing to do, or Vigil's setup (a grant, a credential) does not allow it; both name why.
    const refused = err instanceof RemediationRefusedError || err instanceof TargetUnresolvedError || err instanceof SetupError;
    return { outcome: refused ? 'refused' : 'failed', reason: `${remediation.id} cannot plan: ${message(err)}`, remediation };
  }
}

/** What the guardrails would say to a human's request now, changing nothing: a manual dry run. */
export async function previewAct(
  remediationId: string,
  eventId: string,
  deps: ActDeps,
): Promise<{ plan: Plan; verdict: Verdict } | Stopped<'refused' | 'failed'>> {
  const remediation = deps.config.remediations.find((r) => r.id === remediationId)!;
  const planned = await planFor(remediation, deps);
  if ('outcome' in planned) return planned;
  const { guard, killSwitch } = await deps.store.getGuard(targetKeyOf(remediationId, deps.config));
  return {
    plan: planned.plan,
    verdict: decideRemediation({ remediation, risk: riskOf(remediation), guard, killSwitch, eventId, approved: true, now: deps.clock.now() }),
  };
}

/**
 * Makes the call and records what happened. After an answer that may have been lost (a timeout, a
 * 5xx, a reset), the target is read to find out: the call is never sent blindly a second time.
 */
async function carryOut(remediation: RemediationConfig, plan: Plan, req: ActRequest, deps: ActDeps, targetKey: string): Promise<ActOutcome> {
  const impl = remediationRegistry.get(remediation.kind)!;
  // Sent with the action, not before it: a round trip less on the way to acting. A function that
  // dies mid-action still leaves this trace (the write is already on its way) and an expiring lock.
  const noting = req.note('acting', plan.summary, `${remediation.id} (${remediation.mode}${req.approved ? ', approved' : ''})`);
  noting.catch(() => undefined); // awaited below, once the action's outcome is recorded
  let result: string;
  try {
    result = await impl.execute(remediation, plan, { aws: deps.aws });
  } catch (err) {
    const outcome = isAmbiguous(err)
      ? await afterLostAnswer(remediation, plan, req, deps, targetKey, message(err))
      : await notApplied(remediation, plan, req, deps, targetKey, `${remediation.id} failed: ${message(err)}`);
    await noting;
    return outcome;
  }
  // The call was made. A store that cannot take its record never turns it into a failure: the claim
  // stays (a retry, or the next event, reads the target back), and what is known is said.
  try {
    await settleGuard(
      deps.store,
      targetKey,
      { eventId: req.eventId, remediation: remediation.id },
      'done',
      deps.clock,
      remediation.circuitBreaker.failures,
      result,
    );
  } catch (err) {
    throw new UnrecordedActionError(`${remediation.id} acted (${result}); its outcome could not be recorded: ${message(err)}`, { cause: err });
  }
  await noting;
  return { outcome: 'acted', plan, result, targetKey, remediation };
}

/** An action that happened and that the state store would not record: never reported as not done. */
export class UnrecordedActionError extends VigilError {
  override name = 'UnrecordedActionError';
}

/** The call's answer never came back: read the target and record the truth. */
async function afterLostAnswer(
  remediation: RemediationConfig,
  plan: Plan,
  req: ActRequest,
  deps: ActDeps,
  targetKey: string,
  error: string,
): Promise<ActOutcome> {
  const found = await reconcile(remediation, plan, deps);
  if (found.applied === 'no')
    return notApplied(
      remediation,
      plan,
      req,
      deps,
      targetKey,
      `${remediation.id} failed (${error}); reading the target shows nothing changed: ${found.detail}`,
    );
  const result =
    found.applied === 'yes'
      ? `the reply was lost (${error}); reading the target shows it was applied: ${found.detail}`
      : `outcome unknown (${error}); ${found.detail}`;
  return recordFound(remediation, plan, req, deps, targetKey, found, result);
}

/** What reading the target found of an action that may have happened: done, or unknown (it holds the cooldown either way). */
async function recordFound(
  remediation: RemediationConfig,
  plan: Plan,
  req: ActRequest,
  deps: ActDeps,
  targetKey: string,
  found: Reconciled,
  result: string,
): Promise<ActOutcome> {
  await settleGuard(
    deps.store,
    targetKey,
    { eventId: req.eventId, remediation: remediation.id },
    found.applied === 'yes' ? 'done' : 'unknown',
    deps.clock,
    remediation.circuitBreaker.failures,
    result,
  );
  return { outcome: found.applied === 'yes' ? 'acted' : 'unknown', plan, result, targetKey, remediation };
}

async function notApplied(remediation: RemediationConfig, plan: Plan, req: ActRequest, deps: ActDeps, targetKey: string, reason: string): Promise<ActOutcome> {
  await settleGuard(
    deps.store,
    targetKey,
    { eventId: req.eventId, remediation: remediation.id },
    'not-applied',
    deps.clock,
    remediation.circuitBreaker.failures,
    reason,
  );
  return { outcome: 'failed', plan, reason, remediation };
}

/** An action this event had already claimed: what became of it decides, never a new plan. */
async function resume(remediation: RemediationConfig, prior: ActionRecord, req: ActRequest, deps: ActDeps, targetKey: string): Promise<ActOutcome> {
  const plan = prior.plan ?? { summary: remediation.id, change: {} };
  switch (prior.outcome) {
    case undefined: {
      // Claimed, and then nothing was heard: the attempt died, or the claim's reply was lost.
      const found = await reconcile(remediation, plan, deps);
      if (found.applied === 'no') return carryOut(remediation, plan, req, deps, targetKey);
      const result =
        found.applied === 'yes'
          ? `an earlier attempt's action took effect: ${found.detail}`
          : `an earlier attempt's action has an unknown outcome: ${found.detail}`;
      return recordFound(remediation, plan, req, deps, targetKey, found, result);
    }
    case 'not-applied':
      return { outcome: 'failed', plan, reason: prior.result ?? `${remediation.id} was not applied`, remediation };
    case 'unknown':
      return { outcome: 'unknown', plan, result: prior.result ?? `${remediation.id} has an unknown outcome`, targetKey, remediation };
    default:
      return { outcome: 'acted', plan, result: prior.result ?? `already acted for this event at ${prior.at}`, targetKey, remediation };
  }
}

/** What became of a dead attempt's action, read from the target and recorded, so it holds the cooldown and budget only if it happened. */
async function settleOrphan(orphan: ActionRecord, targetKey: string, deps: ActDeps): Promise<void> {
  const remediation = deps.config.remediations.find((r) => r.id === orphan.remediation);
  const found: Reconciled =
    remediation && orphan.plan
      ? await reconcile(remediation, orphan.plan, deps)
      : { applied: 'unknown', detail: `${orphan.remediation} is no longer configured` };
  const outcome = found.applied === 'yes' ? 'done' : found.applied === 'no' ? 'not-applied' : 'unknown';
  await settleGuard(
    deps.store,
    targetKey,
    { eventId: orphan.eventId, remediation: orphan.remediation },
    outcome,
    deps.clock,
    remediation?.circuitBreaker.failures ?? Infinity,
    `its attempt died before recording the outcome; reading the target: ${found.detail}`,
  );
}

async function reconcile(remediation: RemediationConfig, plan: Plan, deps: ActDeps): Promise<Reconciled> {
  try {
    return await remediationRegistry.get(remediation.kind)!.reconcile(remediation, plan, { aws: deps.aws });
  } catch (err) {
    return { applied: 'unknown', detail: `the target could not be read back: ${message(err)}` };
  }
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

/** Records an action's outcome on its target's guard (releasing the lock), rereading on conflict; a second record of the same outcome writes nothing. */
export async function settleGuard(
  store: StateStore,
  targetKey: string,
  claimed: Claimed,
  outcome: ActionOutcome,
  clock: Clock,
  circuitFailures: number,
  result?: string,
): Promise<void> {
  await updateGuard(store, targetKey, (guard) => settle(guard, claimed, outcome, clock.now(), circuitFailures, result));
}
