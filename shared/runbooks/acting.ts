import type { AwsPorts } from '../aws/ports.js';
import { plainAwsError } from '../aws/plain.js';
import type { Clock } from '../clock.js';
import type { RemediationConfig } from '../config/remediations.js';
import type { VigilConfig } from '../config/schema.js';
import { isAmbiguous } from '../aws/retries.js';
import { settle, type Claimed } from '../guardrails/decide.js';
import { updateGuard } from '../guardrails/ops.js';
import type { ActionOutcome, ActionRecord } from '../state/guard.js';
import { remediationOf } from '../remediations/kind.js';
import type { Plan, Reconciled } from '../remediations/remediation.js';
import { UnrecordedActionError } from '../errors.js';
import { remediationContext } from './remediation-context.js';
import type { Brakes, GuardRead, Guards, IncidentRecords } from '../state/ports.js';

export interface ActDeps {
  config: VigilConfig;
  store: Guards & Brakes & Pick<IncidentRecords, 'countActiveIncidents' | 'listActiveIncidents'>;
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
export type Held<K> = { outcome: K; plan: Plan; reason: string; remediation: RemediationConfig };
/** Nothing done, and a human must know: refused, failed, escalated by a guardrail, or stale; `nothingToDo` when the target offered nothing. */
export type Stopped<K> = { outcome: K; plan?: Plan; reason: string; remediation: RemediationConfig; nothingToDo?: boolean };

export type ActOutcome =
  | { outcome: 'acted'; plan: Plan; result: string; targetKey: string; remediation: RemediationConfig }
  /** The call may or may not have taken effect, and reading the target could not tell: a human must look. */
  | { outcome: 'unknown'; plan: Plan; result: string; targetKey: string; remediation: RemediationConfig }
  | (Held<'observed'> & { targetKey: string })
  | Held<'proposed'>
  | Held<'skipped'>
  | Stopped<'refused' | 'failed' | 'escalated' | 'stale'>;

/** What went wrong, for the timeline and the on-call: an AWS call's failure said plainly. */
export const message = (err: unknown) => plainAwsError(err);

/** One action on its way: what it answers, what it does, on which target. */
export interface Action {
  remediation: RemediationConfig;
  plan: Plan;
  req: ActRequest;
  deps: ActDeps;
  targetKey: string;
}

/** The action's outcome on its target's guard: releases the lock and holds the cooldown and budget as the outcome says. */
const record = (a: Action, outcome: ActionOutcome, result: string) =>
  settleGuard(
    a.deps.store,
    a.targetKey,
    { eventId: a.req.eventId, remediation: a.remediation.id },
    outcome,
    a.deps.clock,
    a.remediation.circuitBreaker.failures,
    result,
  );

/**
 * Makes the call and records what happened. After an answer that may have been lost (a timeout, a
 * 5xx, a reset), the target is read to find out: the call is never sent blindly a second time.
 */
export async function carryOut(a: Action): Promise<ActOutcome> {
  const { remediation, plan, req, deps } = a;
  // Sent with the action, not before it: a round trip less on the way to acting. A function that
  // dies mid-action still leaves this trace (the write is already on its way) and an expiring lock.
  const noting = req.note('acting', plan.summary, `${remediation.id} (${remediation.mode}${req.approved ? ', approved' : ''})`);
  noting.catch(() => undefined); // awaited below, once the action's outcome is recorded
  let result: string;
  try {
    result = await (await remediationOf(remediation.kind)).execute(remediation, plan, remediationContext(deps, req.incident?.id));
  } catch (err) {
    const outcome = isAmbiguous(err) ? await afterLostAnswer(a, message(err)) : await notApplied(a, `${remediation.id} failed: ${message(err)}`);
    await noting;
    return outcome;
  }
  // The call was made. A store that cannot take its record never turns it into a failure: the claim
  // stays (a retry, or the next event, reads the target back), and what is known is said.
  try {
    await record(a, 'done', result);
  } catch (err) {
    throw new UnrecordedActionError(`${remediation.id} acted (${result}); its outcome could not be recorded: ${message(err)}`, { cause: err });
  }
  await noting;
  return { outcome: 'acted', plan, result, targetKey: a.targetKey, remediation };
}

/** The call's answer never came back: read the target and record the truth. */
async function afterLostAnswer(a: Action, error: string): Promise<ActOutcome> {
  const found = await reconcile(a.remediation, a.plan, a.deps);
  if (found.applied === 'no') return notApplied(a, `${a.remediation.id} failed (${error}); reading the target shows nothing changed: ${found.detail}`);
  const result =
    found.applied === 'yes'
      ? `the reply was lost (${error}); reading the target shows it was applied: ${found.detail}`
      : `outcome unknown (${error}); ${found.detail}`;
  return recordFound(a, found, result);
}

/** What reading the target found of an action that may have happened: done, or unknown (it holds the cooldown either way). */
async function recordFound(a: Action, found: Reconciled, result: string): Promise<ActOutcome> {
  await record(a, found.applied === 'yes' ? 'done' : 'unknown', result);
  return { outcome: found.applied === 'yes' ? 'acted' : 'unknown', plan: a.plan, result, targetKey: a.targetKey, remediation: a.remediation };
}

async function notApplied(a: Action, reason: string): Promise<ActOutcome> {
  await record(a, 'not-applied', reason);
  return { outcome: 'failed', plan: a.plan, reason, remediation: a.remediation };
}

/** An action this event had already claimed: what became of it decides, never a new plan. */
export async function resume(remediation: RemediationConfig, prior: ActionRecord, req: ActRequest, deps: ActDeps, targetKey: string): Promise<ActOutcome> {
  const a: Action = { remediation, plan: prior.plan ?? { summary: remediation.id, change: {} }, req, deps, targetKey };
  const { plan } = a;
  switch (prior.outcome) {
    case undefined: {
      // Claimed, and then nothing was heard: the attempt died, or the claim's reply was lost.
      const found = await reconcile(remediation, plan, deps);
      if (found.applied === 'no') return carryOut(a);
      const result =
        found.applied === 'yes'
          ? `an earlier attempt's action took effect: ${found.detail}`
          : `an earlier attempt's action has an unknown outcome: ${found.detail}`;
      return recordFound(a, found, result);
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
export async function settleOrphan(orphan: ActionRecord, targetKey: string, deps: ActDeps): Promise<void> {
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
    return await (await remediationOf(remediation.kind)).reconcile(remediation, plan, remediationContext(deps));
  } catch (err) {
    return { applied: 'unknown', detail: `the target could not be read back: ${message(err)}` };
  }
}

/** Records an action's outcome on its target's guard (releasing the lock), rereading on conflict; a second record of the same outcome writes nothing. */
export async function settleGuard(
  store: Guards,
  targetKey: string,
  claimed: Claimed,
  outcome: ActionOutcome,
  clock: Clock,
  circuitFailures: number,
  result?: string,
): Promise<void> {
  await updateGuard(store, targetKey, (guard) => settle(guard, claimed, outcome, clock.now(), circuitFailures, result));
}
