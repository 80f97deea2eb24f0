import { formatPath } from '../../shared/config/load.js';
import { VigilError } from '../../shared/errors.js';
import { approvalRequest, approveProposal } from '../../shared/runbooks/approve.js';
import type { RunbookDeps, RunbookResult } from '../../shared/runbooks/execute.js';

const example = { remediation: 'orders-api-rollback', approve: '3f2a9c1b7e-1', approvedBy: 'alice', reason: 'bad deploy at 03:02, rolling back' };

/** Approves a proposal from its notification's payload; an invalid or expired one changes nothing. */
export function createRemediateHandler(deps: RunbookDeps) {
  return async (event: unknown): Promise<RunbookResult | { error: string; problems?: string[]; example: unknown }> => {
    const parsed = approvalRequest.safeParse(event);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${formatPath(i.path) || '(event)'}: ${i.message}`);
      deps.log.error('invalid remediate request', { problems });
      return { error: 'invalid remediate request', problems, example };
    }
    try {
      return await approveProposal(parsed.data, deps);
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      deps.log.error(err.message);
      return { error: err.message, example };
    }
  };
}
