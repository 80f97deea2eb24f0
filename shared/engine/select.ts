import type { CheckConfig, VigilConfig } from '../config/schema.js';
import { RequestError } from '../errors.js';
import { MAX_CHECKS_PER_INVOCATION as PER_INVOCATION } from '../config/limits.js';

export interface Selection {
  /** Check ids to run; runs them even when disabled. */
  checks?: readonly string[] | undefined;
  /** A group to run; only its enabled checks. */
  group?: string | undefined;
  /** Of a group larger than one invocation runs: which part of 50 (from 1). */
  part?: number | undefined;
  /** In a Lambda function: a group runs in parts no larger than its timeout is planned for. Not from a laptop. */
  inParts?: boolean | undefined;
}

/** The checks a selection names, in config order. Nothing selected means every enabled check. */
export function selectChecks(config: VigilConfig, selection: Selection): CheckConfig[] {
  if (selection.checks?.length) {
    const known = new Set(config.checks.map((c) => c.id));
    const unknown = selection.checks.filter((id) => !known.has(id));
    if (unknown.length) {
      throw new RequestError(`unknown check id ${unknown.map((id) => `"${id}"`).join(', ')}; known: ${[...known].join(', ')}`);
    }
    const wanted = new Set(selection.checks);
    return config.checks.filter((c) => wanted.has(c.id));
  }
  if (selection.group !== undefined) {
    const groups = [...new Set(config.checks.flatMap((c) => (c.group ? [c.group] : [])))];
    if (!groups.includes(selection.group)) {
      throw new RequestError(`unknown group "${selection.group}"; known: ${groups.join(', ') || '(no check has a group)'}`);
    }
    const checks = config.checks.filter((c) => c.enabled && c.group === selection.group);
    return selection.inParts || selection.part !== undefined ? partOf(selection.group, checks, selection.part) : checks;
  }
  return config.checks.filter((c) => c.enabled);
}

/**
 * The function's timeout is planned for at most 50 checks per invocation (infra/vigil.ts): a larger
 * group is refused whole, with how to send it in parts, rather than run past the timeout.
 */
function partOf(group: string, checks: CheckConfig[], part: number | undefined): CheckConfig[] {
  const parts = Math.ceil(checks.length / PER_INVOCATION);
  const payload = (n: number) => `{ "group": "${group}", "part": ${n} }`;
  if (part === undefined) {
    if (parts <= 1) return checks;
    throw new RequestError(
      `group "${group}" has ${checks.length} checks; one invocation runs at most ${PER_INVOCATION} within its timeout: send it in ${parts} parts, ${payload(1)} to ${payload(parts)}`,
    );
  }
  if (part > parts)
    throw new RequestError(`part ${part} of group "${group}": it has ${parts} part${parts === 1 ? '' : 's'} of at most ${PER_INVOCATION} checks`);
  return checks.slice((part - 1) * PER_INVOCATION, part * PER_INVOCATION);
}
