import { VigilError } from '../errors.js';
import type { ApprovalRequest } from '../events/remediate.js';
import { finish, runSteps, startRun, type RunbookDeps, type RunbookResult } from './execute.js';

/** A human approves a proposal: the runbook goes on from the proposed step, that act approved, within the other guardrails. */
export async function approveProposal(req: ApprovalRequest, deps: RunbookDeps): Promise<RunbookResult> {
  const now = deps.clock.now();
  const proposal = await deps.store.getProposal(req.approve);
  if (!proposal) throw new VigilError(`no proposal "${req.approve}"`);
  if (proposal.remediation !== req.remediation) throw new VigilError(`proposal ${proposal.id} is for ${proposal.remediation}, not ${req.remediation}`);
  if (new Date(proposal.expiresAt) <= now) throw new VigilError(`proposal ${proposal.id} expired at ${proposal.expiresAt}; nothing done`);
  const runbook = deps.config.runbooks.find((r) => r.id === proposal.runbook);
  if (!runbook) throw new VigilError(`runbook ${proposal.runbook} is no longer in the config`);

  const eventId = `approval-${proposal.id}`;
  const started = await startRun(deps, `approval#${proposal.id}`, eventId, runbook, {
    incidentId: proposal.incidentId,
    incidentVersion: proposal.incidentVersion,
    next: proposal.step,
    approval: { by: req.approvedBy, step: proposal.step },
    actor: req.approvedBy,
  });
  // Approved twice (a second click): the first approval's result, marked as a replay.
  if ('replay' in started) return started.replay as RunbookResult;
  await deps.store.appendTimeline(proposal.incidentId, {
    at: now.toISOString(),
    kind: 'approved',
    by: req.approvedBy,
    summary: proposal.summary,
    reason: req.reason,
    key: `${eventId}.00.0.approved`,
  });
  await runSteps(started.run, deps);
  return finish(started.run, { alarm: '(approval)', state: 'ALARM', approvedBy: req.approvedBy }, deps);
}
