import { parseArgs } from 'node:util';
import { RequestError } from '../../shared/errors.js';
import type { Io } from '../terminal/io.js';
import { refusal } from './answer.js';
import { actor, operatorOptions } from './operator-args.js';
import { invokeFunction } from './invoke.js';

export const remediateUsage =
  'vigil remediate <remediation> [--incident <id>] [--act --reason "why"] [--by name] [--json]   (a dry run unless --act)\n  vigil approve <proposal> --remediation <name> --reason "why" [--by name] [--json]';

/**
 * A remediation by hand, as the remediate function takes it: a dry run (the plan, and what the guardrails
 * say) unless `--act`, which needs a reason. On the local state, the table TABLE_NAME names, or with `--env` the deployed function.
 */
export async function remediateCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      incident: { type: 'string' },
      act: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      ...operatorOptions,
    },
  });
  const [remediation, ...extra] = positionals;
  if (!remediation || extra.length) throw new RequestError(`name one remediation, e.g. vigil remediate orders-api-restart. Usage: ${remediateUsage}`);
  if (values.act && values['dry-run']) throw new RequestError(`--act and --dry-run: choose one. Usage: ${remediateUsage}`);
  if (values.act && !values.reason?.trim()) throw new RequestError(`--reason is required with --act: say why, for the timeline. Usage: ${remediateUsage}`);
  const event = {
    remediation,
    dryRun: !values.act,
    ...(values.act ? { approvedBy: actor(values.by), reason: values.reason } : {}),
    ...(values.incident ? { incident: values.incident } : {}),
  };
  return invokeFunction('remediate', event, io, values, values.json ? undefined : readable);
}

/** `vigil approve <proposal>`: the payload an [APPROVAL NEEDED] message shows, from a terminal. */
export async function approveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { remediation: { type: 'string' }, ...operatorOptions },
  });
  const [approve, ...extra] = positionals;
  if (!approve || extra.length) throw new RequestError(`name the proposal, as its [APPROVAL NEEDED] message does. Usage: ${remediateUsage}`);
  if (!values.remediation)
    throw new RequestError(`--remediation is required: the one the proposal names, so nobody approves the wrong thing. Usage: ${remediateUsage}`);
  if (!values.reason?.trim()) throw new RequestError(`--reason is required: say why, for the timeline. Usage: ${remediateUsage}`);
  const event = { remediation: values.remediation, approve, approvedBy: actor(values.by), reason: values.reason };
  return invokeFunction('remediate', event, io, values, values.json ? undefined : readable);
}

type Answer = {
  remediation?: string;
  target?: string;
  dryRun?: boolean;
  plan?: string;
  outcome?: string;
  detail?: string;
  verified?: string;
};

/** The remediate function's answer as a person reads it; anything else (a runbook's run, for an approval) as JSON. */
function readable(result: unknown): string {
  const a = result as Answer;
  const refused = refusal(result);
  if (refused) return refused;
  if (a.remediation === undefined || a.outcome === undefined) return JSON.stringify(result, null, 2);
  return [
    `${a.remediation} on ${a.target}${a.dryRun ? ' (dry run: nothing changed)' : ''}: ${a.outcome}`,
    ...(a.plan ? [`plan:     ${a.plan}`] : []),
    ...(a.detail ? [`detail:   ${a.detail}`] : []),
    ...(a.verified ? [`verified: ${a.verified}`] : []),
    ...(a.dryRun && a.outcome === 'would act' ? ['act with: --act --reason "why"'] : []),
  ].join('\n');
}
