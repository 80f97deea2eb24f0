import { probeRegistry } from '../probes/index.js';
import { sources } from './secret-sources.js';

export { secretIds } from './secret-sources.js';

/**
 * The secrets written in the config itself (`{ value }` passwords, tokens in URLs and headers).
 * Made known to every sink when the config loads, so a function that never uses them still masks them.
 */
export function configSecrets(config: { checks: readonly { kind: string }[]; remediations: readonly object[] }): string[] {
  const ofChecks = config.checks.flatMap((check) => probeRegistry.get(check.kind)?.secrets(check as never) ?? []);
  const inline = [...config.checks, ...config.remediations].flatMap((item) => sources(item).flatMap((s) => (typeof s.value === 'string' ? [s.value] : [])));
  return [...ofChecks, ...inline];
}
