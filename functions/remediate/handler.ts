import { randomUUID } from 'node:crypto';
import { VigilError } from '../../shared/errors.js';
import { remediateExamples, remediateRequestOf, type ApprovalRequest, type ManualRequest } from '../../shared/events/remediate.js';
import { validateEvent, type InvalidRequest } from '../../shared/events/validate.js';
import { withDeadline, type InvocationContext } from '../../shared/lambda-deadline.js';
import { approveProposal } from '../../shared/runbooks/approve.js';
import { meterRunbook, type RunbookDeps, type RunbookResult } from '../../shared/runbooks/execute.js';
import { runManually, type ManualResult } from '../../shared/runbooks/manual.js';

type Automation = { automation: 'off' | 'on'; by: string; reason: string };
type Result = RunbookResult | ManualResult | { done: string } | InvalidRequest;

/** Manual remediation: run one (dry run first), approve a proposal, or flip the kill switch. */
export function createRemediateHandler(deps: RunbookDeps) {
  return async (event: unknown, context?: InvocationContext): Promise<Result> => {
    const request = remediateRequestOf(event);
    if (!request) {
      const problems = ['(event): expected "remediation" (to run or approve one) or "automation" (the kill switch)'];
      deps.log.error('invalid remediate request', { problems });
      return { error: 'invalid remediate request', problems, examples: remediateExamples(deps.config) };
    }
    const parsed = validateEvent(request.schema, event);
    if (!parsed.ok) {
      deps.log.error('invalid remediate request', { problems: parsed.problems });
      return { error: 'invalid remediate request', problems: parsed.problems, example: remediateExamples(deps.config)[request.example] };
    }
    const r = parsed.data as ManualRequest | ApprovalRequest | Automation;
    const run = { ...withDeadline(deps, context), holder: randomUUID() };
    try {
      if ('approve' in r) {
        const approved = await approveProposal(r, run);
        if (!approved.replay) meterRunbook(approved, deps.meter);
        return approved;
      }
      if ('automation' in r) {
        await deps.store.setKillSwitch({ automationEnabled: r.automation === 'on', by: r.by, at: deps.clock.now().toISOString(), reason: r.reason });
        deps.log.warn(`automatic actions switched ${r.automation} by ${r.by}: ${r.reason}`);
        return { done: `automatic actions are ${r.automation} (${r.by}: ${r.reason})` };
      }
      // A retried invocation carries the same request id: it cannot act twice.
      const manual = await runManually(r, context?.awsRequestId ?? randomUUID(), run);
      if (!manual.dryRun) deps.meter?.count('Remediations', 1, { name: 'Outcome', value: manual.outcome });
      return manual;
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      deps.log.error(err.message);
      return { error: err.message, problems: [err.message], example: remediateExamples(deps.config)[request.example] };
    }
  };
}
