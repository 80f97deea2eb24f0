import { RequestError } from '../errors.js';
import type { ApprovalRequest } from '../events/remediate.js';
import { finish, launch, runSteps, type RunbookDeps, type RunbookResult } from './execute.js';
import { line } from './steps.js';

/** A human approves a proposal: the runbook goes on from the proposed step, that act approved, within the other guardrails. */
export async function approveProposal(req: ApprovalRequest, deps: RunbookDeps): Promise<RunbookResult> {
  const now = deps.clock.now();
  const proposal = await deps.store.getProposal(req.approve);
  if (!proposal) throw new RequestError(`no proposal "${req.approve}"`);
  if (proposal.remediation !== req.remediation) throw new RequestError(`proposal ${proposal.id} is for ${proposal.remediation}, not ${req.remediation}`);
  if (new Date(proposal.expiresAt) <= now) throw new RequestError(`proposal ${proposal.id} expired at ${proposal.expiresAt}; nothing done`);
  const runbook = deps.config.runbooks.find((r) => r.id === proposal.runbook);
  if (!runbook) throw new RequestError(`runbook ${proposal.runbook} is no longer in the config`);

  // Approved twice (a second click): the first approval's result, marked as a replay.
  const start = {
    id: `approval#${proposal.id}`,
    eventId: `approval-${proposal.id}`,
    runbook,
    seed: {
      incidentId: proposal.incidentId,
      incidentVersion: proposal.incidentVersion,
      next: proposal.step,
      approval: { by: req.approvedBy, step: proposal.step },
      actor: req.approvedBy,
    },
    opening: line(deps, 0, 0, 'approved', proposal.summary, req.reason),
  };
  return launch(deps, start, async (run) => {
    await runSteps(run, deps);
    return finish(run, { alarm: '(approval)', state: 'ALARM', approvedBy: req.approvedBy }, deps);
  });
}
