import { riskOf, type RemediationConfig } from '../config/remediations.js';
import { VigilError } from '../errors.js';
import type { ManualRequest } from '../events/remediate.js';
import { decideRemediation } from '../guardrails/decide.js';
import { decideActed } from '../incidents/human.js';
import { brief, type IncidentBrief } from '../incidents/operations.js';
import { activeIncidentState, checkIdOf } from '../incidents/operator.js';
import { updateCheckState } from '../incidents/update-state.js';
import { remediationRegistry } from '../remediations/index.js';
import { guardedAct, settleGuard, type ActOutcome } from './act.js';
import { verify, type RunbookDeps } from './execute.js';

export interface ManualResult {
  remediation: string;
  target: string;
  dryRun: boolean;
  /** What it would do (dry run) or did. */
  plan?: string;
  /** Dry run: would act now, or which guardrail would stop it. Otherwise: the outcome. */
  outcome: string;
  detail: string;
  verified?: string;
  incident?: IncidentBrief;
  /** For a dry run: the payload that acts. */
  next?: Record<string, unknown>;
}

/** An operator runs a configured remediation by hand: dry run first, then for real with who and why. */
export async function runManually(req: ManualRequest, requestId: string, deps: RunbookDeps): Promise<ManualResult> {
  const remediation = deps.config.remediations.find((r) => r.id === req.remediation);
  if (!remediation) throw new VigilError(`unknown remediation "${req.remediation}"; configured: ${deps.config.remediations.map((r) => r.id).join(', ') || '(none)'}`);
  const impl = remediationRegistry.get(remediation.kind)!;
  const target = impl.targetKey(remediation as never);
  const state = req.incident ? await activeIncidentState(deps.store, req.incident) : undefined;
  const base = { remediation: remediation.id, target, dryRun: req.dryRun };

  if (req.dryRun) {
    let plan;
    try {
      plan = await impl.plan(remediation as never, { aws: deps.aws });
    } catch (err) {
      return { ...base, outcome: 'would refuse', detail: (err as Error).message };
    }
    const { guard, killSwitch } = await deps.store.getGuard(target);
    const verdict = decideRemediation({ remediation, risk: riskOf(remediation), guard, killSwitch, eventId: `manual-${requestId}`, approved: true, now: deps.clock.now() });
    const acting = verdict.verdict === 'act';
    return {
      ...base,
      plan: plan.summary,
      outcome: acting ? 'would act' : `would ${verdict.verdict}`,
      detail: acting ? `every guardrail allows it now (${riskOf(remediation)} risk)` : 'reason' in verdict ? verdict.reason : 'this request already acted',
      next: { remediation: remediation.id, dryRun: false, approvedBy: 'your-name', reason: 'why', ...(req.incident ? { incident: req.incident } : {}) },
    };
  }

  const by = req.approvedBy!;
  const eventId = `manual-${requestId}`;
  let notes = 0;
  const note = async (kind: string, summary: string, reason?: string) => {
    if (state) await deps.store.appendTimeline(state.incident.id, { at: deps.clock.now().toISOString(), kind, by, summary, ...(reason ? { reason } : {}), key: `${eventId}.${++notes}.${kind}` });
  };
  await note('manual', `${remediation.id} run by hand`, req.reason);
  const outcome = await guardedAct({ remediationId: remediation.id, eventId, incident: state && { id: state.incident.id, version: state.version }, approved: true, note }, deps);
  const detail = 'result' in outcome ? outcome.result : outcome.reason;
  deps.log.warn(`manual ${remediation.id} by ${by}: ${outcome.outcome}: ${detail}`, { reason: req.reason });
  const result: ManualResult = { ...base, ...(outcome.plan ? { plan: outcome.plan.summary } : {}), outcome: outcome.outcome, detail };
  if (outcome.outcome !== 'acted') {
    await note(outcome.outcome, outcome.plan?.summary ?? remediation.id, outcome.reason);
    return state ? { ...result, incident: brief(state.incident) } : result;
  }

  const verified = await verifyAfter(remediation, outcome, eventId, deps);
  await note(verified?.ok === false ? 'not-verified' : verified ? 'verified' : 'acted', verified?.detail ?? outcome.result);
  if (!state) return { ...result, ...(verified ? { verified: verified.detail } : {}) };
  const told = `${outcome.result}${verified ? `; ${verified.ok ? 'verified' : 'NOT verified'}: ${verified.detail}` : ''} (${req.reason})`;
  const written = await updateCheckState(deps.store, checkIdOf(state.incident.id), (s) => decideActed(s, state.incident.id, by, told, deps.clock.now()));
  return { ...result, ...(verified ? { verified: verified.detail } : {}), incident: brief(written!.incident!) };
}

/** Verifies with the check a runbook names right after acting with this remediation; none named, none run. */
async function verifyAfter(remediation: RemediationConfig, acted: Extract<ActOutcome, { outcome: 'acted' }>, eventId: string, deps: RunbookDeps) {
  const step = deps.config.runbooks
    .flatMap((rb) => rb.steps.map((s, i) => ('act' in s && s.act === remediation.id ? rb.steps[i + 1] : undefined)))
    .find((s) => s !== undefined && 'verify' in s);
  if (!step || !('verify' in step)) return undefined;
  const passed = await verify(step.verify, deps);
  await settleGuard(deps.store, acted.targetKey, eventId, passed.ok ? 'verified' : 'not-verified', deps.clock, remediation.circuitBreaker.failures);
  return passed;
}
