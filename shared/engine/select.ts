import type { CheckConfig, VigilConfig } from '../config/schema.js';
import { VigilError } from '../errors.js';

export interface Selection {
  /** Check ids to run; runs them even when disabled. */
  checks?: readonly string[] | undefined;
  /** A group to run; only its enabled checks. */
  group?: string | undefined;
}

/** The checks a selection names, in config order. Nothing selected means every enabled check. */
export function selectChecks(config: VigilConfig, selection: Selection): CheckConfig[] {
  if (selection.checks?.length) {
    const known = new Set(config.checks.map((c) => c.id));
    const unknown = selection.checks.filter((id) => !known.has(id));
    if (unknown.length) {
      throw new VigilError(`unknown check id ${unknown.map((id) => `"${id}"`).join(', ')}; known: ${[...known].join(', ')}`);
    }
    const wanted = new Set(selection.checks);
    return config.checks.filter((c) => wanted.has(c.id));
  }
  if (selection.group !== undefined) {
    const groups = [...new Set(config.checks.flatMap((c) => (c.group ? [c.group] : [])))];
    if (!groups.includes(selection.group)) {
      throw new VigilError(`unknown group "${selection.group}"; known: ${groups.join(', ') || '(no check has a group)'}`);
    }
    return config.checks.filter((c) => c.enabled && c.group === selection.group);
  }
  return config.checks.filter((c) => c.enabled);
}
