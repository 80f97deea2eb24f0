import type { RemediationConfig } from '../config/remediations.js';
import type { VigilConfig } from '../config/schema.js';
import { claim, decideRemediation, markEscalated, orphanedClaim, type Verdict } from '../guardrails/decide.js';
import { remediationOf } from '../remediations/kind.js';
import type { Plan, Remediation } from '../remediations/remediation.js';
import { NothingToDoError, RemediationRefusedError, SetupError, TargetUnresolvedError } from '../errors.js';
import { readDecideWrite } from '../state/read-decide-write.js';
import { actionView, passBrake } from '../guardrails/brake-store.js';
import { checkIdOf, type CheckState } from '../state/check-state.js';
import { remediationContext } from './remediation-context.js';
import { carryOut, message, resume, settleOrphan, type ActDeps, type ActOutcome, type ActRequest, type Stopped } from './acting.js';

export type { ActOutcome } from './acting.js';

/** One remediation through every guardrail: plan, decide, lock, re-check, act, record. */
export async function guardedAct(req: ActRequest, deps: ActDeps): Promise<ActOutcome> {
  const { config, store } = deps;
  const remediation = config.remediations.find((r) => r.id === req.remediationId)!;
  const kind = await remediationOf(remediation.kind);
  const targetKey = kind.targetKey(remediation);
  const risk = kind.risk;
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

  // When the brake is on, its counts are read while the plan is made: they add no round trip to the path.
  const viewing = !req.approved && config.brake.enabled ? Promise.resolve(actionView(first.brake, deps)) : undefined;
  viewing?.catch(() => undefined);
  const planned = await planFor(remediation, kind, deps, req.incident?.id);
  if ('outcome' in planned) return planned;
  const { plan } = planned;

  // Over every target, before this one's lock: an automatic action the brake holds is proposed instead.
  if (viewing) {
    const { guard, killSwitch } = first;
    const now = deps.clock.now();
    if (decideRemediation({ remediation, risk, guard, killSwitch, eventId: req.eventId, approved: false, now }).verdict === 'act') {
      const ask = { eventId: req.eventId, target: targetKey, remediation: remediation.id, summary: plan.summary, incidentId: req.incident?.id };
      const held = await passBrake(ask, { brake: first.brake, view: await viewing }, deps);
      if (held) return { outcome: 'proposed', plan, reason: held, remediation };
    }
  }

  let verdict: Verdict | undefined;
  let stale: string | undefined;
  await readDecideWrite({
    known: { current: first },
    read: () => store.getGuard(targetKey, checkId),
    decide: ({ guard, killSwitch, check }) => {
      const now = deps.clock.now();
      stale = req.incident && staleness(check, req.incident);
      if (stale) return undefined;
      verdict = decideRemediation({ remediation, risk, guard, killSwitch, eventId: req.eventId, approved: req.approved, now });
      if (verdict.verdict === 'act') {
        const keepMinutes = Math.max(remediation.maxActions.windowMinutes, remediation.cooldownMinutes, 60);
        return claim(guard, targetKey, remediation.id, req.eventId, now, remediation.leaseSeconds, keepMinutes, plan);
      }
      return verdict.verdict === 'escalate' ? markEscalated(guard, targetKey, verdict.guardrail, now) : undefined;
    },
    item: ({ guard }) => guard,
    write: (next, expected) => store.putGuard(next, expected),
  });
  if (stale) return { outcome: 'stale', plan, reason: stale, remediation };
  const v = verdict!;
  if (v.verdict === 'resume') return resume(remediation, v.prior, req, deps, targetKey);
  if (v.verdict === 'observe') return { outcome: 'observed', plan, reason: v.reason, remediation, targetKey };
  if (v.verdict === 'propose') return { outcome: 'proposed', plan, reason: v.reason, remediation };
  if (v.verdict === 'skip') return { outcome: 'skipped', plan, reason: v.reason, remediation };
  if (v.verdict === 'escalate') return { outcome: 'escalated', plan, reason: v.reason, remediation };
  return carryOut({ remediation, plan, req, deps, targetKey });
}

/** The remediation's plan, or why there is none: throttled, partial or ambiguous answers included, no plan means no action. */
async function planFor(
  remediation: RemediationConfig,
  kind: Remediation,
  deps: ActDeps,
  answering?: string,
): Promise<{ plan: Plan } | Stopped<'refused' | 'failed'>> {
  try {
    return { plan: await kind.plan(remediation, remediationContext(deps, answering)) };
  } catch (err) {
    // Refused: the target offers nothing to do, or Vigil's setup (a grant, a credential) does not allow it; both name why.
    const refused = err instanceof RemediationRefusedError || err instanceof TargetUnresolvedError || err instanceof SetupError;
    return {
      outcome: refused ? 'refused' : 'failed',
      reason: `${remediation.id} cannot plan: ${message(err)}`,
      remediation,
      ...(err instanceof NothingToDoError ? { nothingToDo: true } : {}),
    };
  }
}

/** What the guardrails would say to a human's request now, changing nothing: a manual dry run. */
export async function previewAct(
  remediationId: string,
  eventId: string,
  deps: ActDeps,
): Promise<{ plan: Plan; verdict: Verdict } | Stopped<'refused' | 'failed'>> {
  const remediation = deps.config.remediations.find((r) => r.id === remediationId)!;
  const kind = await remediationOf(remediation.kind);
  const planned = await planFor(remediation, kind, deps);
  if ('outcome' in planned) return planned;
  const { guard, killSwitch } = await deps.store.getGuard(kind.targetKey(remediation));
  return {
    plan: planned.plan,
    verdict: decideRemediation({ remediation, risk: kind.risk, guard, killSwitch, eventId, approved: true, now: deps.clock.now() }),
  };
}

/** What a remediation acts on, as its guard is keyed: two remediations of one service share a lock. */
export async function targetKeyOf(remediationId: string, config: VigilConfig): Promise<string> {
  const remediation = config.remediations.find((r) => r.id === remediationId)!;
  return (await remediationOf(remediation.kind)).targetKey(remediation);
}

/** Why a plan made at the incident's `version` no longer holds, or undefined when it does. */
function staleness(current: CheckState | undefined, incident: { id: string; version: number }): string | undefined {
  if (current && current.version === incident.version && current.incident?.id === incident.id && current.incident.state !== 'resolved') return undefined;
  return `the incident changed since the plan was made (${current?.transition?.kind ?? 'gone'} by ${current?.transition?.by ?? '?'})`;
}
