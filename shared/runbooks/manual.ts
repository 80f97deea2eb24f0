import type { RemediationConfig } from '../config/remediations.js';
import type { RunbookConfig } from '../config/runbooks.js';
import { remediationOf } from '../remediations/kind.js';
import { RequestError } from '../errors.js';
import type { ManualRequest } from '../events/remediate.js';
import { brief, type IncidentBrief } from '../incidents/brief.js';
import { activeIncidentState } from '../incidents/operator.js';
import type { CheckState, Incident } from '../state/check-state.js';
import { previewAct, targetKeyOf } from './act.js';
import { triggeringChecks } from '../config/triggers.js';
import { asleep, done, launch, runSteps, type RunbookDeps, type Running } from './execute.js';
import { release } from './lease.js';
import { line } from './steps.js';

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
  /** An action that goes on after its call (a restore): where it stands, and when the run looks again; its end is told on the alerts topic. */
  following?: string;
  waitingUntil?: string;
  incident?: IncidentBrief;
  /** For a dry run: the payload that acts. */
  next?: Record<string, unknown>;
}

/**
 * An operator runs a configured remediation by hand: dry run first, then for real with who and why.
 * For real it is a run like an alarm's (act, then the verify a runbook names after it), approved by
 * the name on the request, whose failures are the answer the operator reads.
 */
export async function runManually(req: ManualRequest, requestId: string, deps: RunbookDeps): Promise<ManualResult> {
  const remediation = deps.config.remediations.find((r) => r.id === req.remediation);
  if (!remediation)
    throw new RequestError(`unknown remediation "${req.remediation}"; configured: ${deps.config.remediations.map((r) => r.id).join(', ') || '(none)'}`);
  const state = req.incident ? await activeIncidentState(deps.store, req.incident) : undefined;
  const base = { remediation: remediation.id, target: await targetKeyOf(remediation.id, deps.config), dryRun: req.dryRun };
  const eventId = `manual-${requestId}`;

  if (req.dryRun) {
    const preview = await previewAct(remediation.id, eventId, deps);
    if ('outcome' in preview) return { ...base, outcome: 'would refuse', detail: preview.reason };
    const { plan, verdict } = preview;
    const acting = verdict.verdict === 'act';
    return {
      ...base,
      plan: plan.summary,
      outcome: acting ? 'would act' : `would ${verdict.verdict}`,
      detail: acting
        ? `every guardrail allows it now (${(await remediationOf(remediation.kind)).risk} risk)`
        : 'reason' in verdict
          ? verdict.reason
          : 'this request already acted',
      next: { remediation: remediation.id, dryRun: false, approvedBy: 'your-name', reason: 'why', ...(req.incident ? { incident: req.incident } : {}) },
    };
  }

  const by = req.approvedBy!;
  const start = {
    id: `manual#${requestId}`,
    eventId,
    runbook: manualRunbook(remediation, deps.config, state?.checkId),
    seed: {
      ...(state ? { incidentId: state.incident.id, incidentVersion: state.version, checkId: state.checkId } : {}),
      approval: { by, step: 0 },
      actor: by,
      manual: true,
      manualReason: req.reason,
    },
    opening: line(deps, 0, 0, 'manual', `${remediation.id} run by hand`, req.reason),
  };
  return launch(deps, start, async (run) => {
    await runSteps(run, deps);
    return answer(run, base, req, state, deps);
  });
}

/** What the operator reads: the act's outcome, the verify's, and the incident as it now stands. */
async function answer(
  run: Running,
  base: Pick<ManualResult, 'remediation' | 'target' | 'dryRun'>,
  req: ManualRequest,
  state: (CheckState & { incident: Incident }) | undefined,
  deps: RunbookDeps,
): Promise<ManualResult> {
  const [act] = run.record.steps;
  if (!act) throw new Error(`manual run ${run.record.id} ran no step`);
  const check = run.record.steps.find((s) => s.step.startsWith('verify'));
  // Acted with nothing to verify against is said, not left out: the operator must know the fix is unchecked.
  const verified = check && (check.outcome !== 'skipped' || act.outcome === 'acted') ? check : undefined;
  deps.log.warn(`manual ${base.remediation} by ${req.approvedBy}: ${act.outcome}: ${act.detail}`, { reason: req.reason });
  const result: ManualResult = {
    ...base,
    ...(act.plan ? { plan: act.plan } : {}),
    outcome: act.outcome,
    detail: act.detail,
    ...(verified ? { verified: verified.detail } : {}),
  };
  // Still going on (a restore): the run sleeps, to be woken in on-alarm; the operator reads where it stands.
  if (asleep(run, deps)) {
    await release(run, deps);
    return { ...result, following: run.record.steps.at(-1)!.detail, waitingUntil: run.record.waitUntil! };
  }
  if (!state) return done(run, result, deps);
  // The on-call has heard of the action from its step ([ACTION TAKEN]); the answer shows the incident as it now stands.
  const now = (await deps.store.getCheckStates([state.checkId])).get(state.checkId)?.incident ?? state.incident;
  return done(run, { ...result, incident: brief(now) }, deps);
}

/** The runbook of a manual run, as it was made for it: a run by hand woken to go on (a restore it follows) needs it again. */
export function manualRunbookOf(runbookId: string, config: RunbookDeps['config'], checkId: string | undefined): RunbookConfig | undefined {
  const remediation = runbookId.startsWith('manual:') && config.remediations.find((r) => r.id === runbookId.slice('manual:'.length));
  return remediation ? manualRunbook(remediation, config, checkId) : undefined;
}

/**
 * The remediation, then the verify step a runbook names right after it (none named, none run). A verify
 * that re-runs "the check that started me" re-runs the incident's check, or the one check its runbook
 * watches; with neither, the run says it could not verify.
 */
function manualRunbook(remediation: RemediationConfig, config: RunbookDeps['config'], incidentCheck: string | undefined): RunbookConfig {
  const found = config.runbooks
    .flatMap((runbook) => runbook.steps.map((s, i) => ('act' in s && s.act === remediation.id ? { runbook, next: runbook.steps[i + 1] } : undefined)))
    .find((x) => x?.next !== undefined && 'verify' in x.next);
  const steps: RunbookConfig['steps'] = [{ act: remediation.id }];
  if (found && 'verify' in found.next!) {
    const { verify } = found.next;
    const watched = triggeringChecks(found.runbook, config);
    const check = verify.check ?? incidentCheck ?? (watched.length === 1 ? watched[0]!.id : undefined);
    steps.push({ verify: { ...verify, ...(check ? { check } : {}) } });
  }
  // Matched by no alarm: it exists only for this run.
  return { id: `manual:${remediation.id}`, match: {}, severity: 'P3', resolveOnOk: false, steps };
}
