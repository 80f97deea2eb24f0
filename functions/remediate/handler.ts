import { z } from 'zod';
import { formatPath } from '../../shared/config/load.js';
import { VigilError } from '../../shared/errors.js';
import { resetCircuit } from '../../shared/guardrails/ops.js';
import { approvalRequest, approveProposal } from '../../shared/runbooks/approve.js';
import type { RunbookDeps, RunbookResult } from '../../shared/runbooks/execute.js';

const who = { by: z.string().min(1), reason: z.string().min(1) };

/** The kill switch: one setting that stops (or allows again) every automatic action. */
const automationRequest = z.strictObject({ automation: z.enum(['off', 'on']), ...who });
/** Closes an open circuit on one target, e.g. `ecs:prod/orders-api`. */
const resetRequest = z.strictObject({ resetCircuit: z.string().min(1), ...who });

const examples = {
  approve: { remediation: 'orders-api-rollback', approve: '3f2a9c1b7e-1', approvedBy: 'alice', reason: 'bad deploy at 03:02, rolling back' },
  automation: { automation: 'off', by: 'alice', reason: 'region failover drill' },
  resetCircuit: { resetCircuit: 'ecs:prod/orders-api', by: 'alice', reason: 'root cause fixed' },
};

type Result = RunbookResult | { done: string } | { error: string; problems?: string[]; examples: typeof examples };

/** Manual operations on remediation: approve a proposal, flip the kill switch, reset a circuit. */
export function createRemediateHandler(deps: RunbookDeps) {
  return async (event: unknown): Promise<Result> => {
    const request = z.union([approvalRequest, automationRequest, resetRequest]).safeParse(event);
    if (!request.success) {
      const problems = request.error.issues.flatMap((i) => ('errors' in i ? (i.errors as { path: PropertyKey[]; message: string }[][]).flat() : [i])).map((i) => `${formatPath(i.path) || '(event)'}: ${i.message}`);
      deps.log.error('invalid remediate request', { problems });
      return { error: 'invalid remediate request: give one of the example payloads', problems: [...new Set(problems)], examples };
    }
    const r = request.data;
    try {
      if ('approve' in r) return await approveProposal(r, deps);
      if ('automation' in r) {
        await deps.store.setKillSwitch({ automationEnabled: r.automation === 'on', by: r.by, at: deps.clock.now().toISOString(), reason: r.reason });
        deps.log.warn(`automatic actions switched ${r.automation} by ${r.by}: ${r.reason}`);
        return { done: `automatic actions are ${r.automation} (${r.by}: ${r.reason})` };
      }
      const guard = await resetCircuit(deps.store, r.resetCircuit);
      if (!guard) throw new VigilError(`no guard state for ${r.resetCircuit}; nothing to reset`);
      deps.log.warn(`circuit on ${r.resetCircuit} reset by ${r.by}: ${r.reason}`);
      return { done: `circuit on ${r.resetCircuit} closed (${r.by}: ${r.reason})` };
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      deps.log.error(err.message);
      return { error: err.message, examples };
    }
  };
}
