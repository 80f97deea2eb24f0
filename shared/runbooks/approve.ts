import { VigilError } from '../errors.js';
import type { ApprovalRequest } from '../events/remediate.js';
import { afterAct, runSteps, type Run, type RunbookDeps, type RunbookResult } from './execute.js';
import { guardedAct } from './act.js';

/** A human approves a proposal: act within the other guardrails, then go on with the runbook. */
export async function approveProposal(req: ApprovalRequest, deps: RunbookDeps): Promise<RunbookResult> {
  const now = deps.clock.now();
  const proposal = await deps.store.getProposal(req.approve);
  if (!proposal) throw new VigilError(`no proposal "${req.approve}"`);
  if (proposal.remediation !== req.remediation) throw new VigilError(`proposal ${proposal.id} is for ${proposal.remediation}, not ${req.remediation}`);
  if (new Date(proposal.expiresAt) <= now) throw new VigilError(`proposal ${proposal.id} expired at ${proposal.expiresAt}; nothing done`);
  const runbook = deps.config.runbooks.find((r) => r.id === proposal.runbook);
  if (!runbook) throw new VigilError(`runbook ${proposal.runbook} is no longer in the config`);

  const run: Run = { runbook, eventId: `approval-${proposal.id}`, incidentId: proposal.incidentId, incidentVersion: proposal.incidentVersion, steps: [], verdict: 'recorded', noteCount: 0, pending: [] };
  await deps.store.appendTimeline(proposal.incidentId, { at: now.toISOString(), kind: 'approved', by: req.approvedBy, summary: proposal.summary, reason: req.reason, key: `${run.eventId}.0` });
  const outcome = await guardedAct(
    {
      remediationId: proposal.remediation,
      eventId: run.eventId,
      incident: { id: run.incidentId, version: run.incidentVersion },
      approved: true,
      note: (kind, summary, reason) => deps.store.appendTimeline(run.incidentId, { at: deps.clock.now().toISOString(), kind, by: req.approvedBy, summary, ...(reason ? { reason } : {}), key: `${run.eventId}.${++run.noteCount}.${kind}` }),
    },
    deps,
  );
  const stop = await afterAct(run, proposal.step, outcome, deps);
  run.steps.push({ step: `act ${proposal.remediation}`, outcome: outcome.outcome, detail: 'result' in outcome ? outcome.result : outcome.reason, durationMs: 0 });
  if (!stop) await runSteps(run, proposal.step + 1, deps);
  return { alarm: '(approval)', state: 'ALARM', runbook: runbook.id, incidentId: run.incidentId, verdict: run.verdict, steps: run.steps };
}
