import { probeRegistry } from '../probes/index.js';
import type { VigilConfig } from './schema.js';

/** Each `{ secret: id }` source anywhere in a check's or remediation's settings: what its function may read. */
export function secretIds(settings: unknown): string[] {
  return sources(settings).flatMap((s) => (typeof s.secret === 'string' ? [s.secret] : []));
}

/**
 * The secrets written in the config itself (`{ value }` passwords, tokens in URLs and headers).
 * Made known to every sink when the config loads, so a function that never uses them still masks them.
 */
export function configSecrets(config: VigilConfig): string[] {
  const ofChecks = config.checks.flatMap((check) => probeRegistry.get(check.kind)?.secrets(check as never) ?? []);
  const inline = [...config.checks, ...config.remediations].flatMap((item) => sources(item).flatMap((s) => (typeof s.value === 'string' ? [s.value] : [])));
  return [...ofChecks, ...inline];
}

/** Objects shaped like a secret source (`{ secret }`, `{ env }`, `{ value }`), however deep. */
function sources(value: unknown): Record<string, unknown>[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(sources);
  const keys = Object.keys(value);
  if (keys.length === 1 && ['secret', 'env', 'value'].includes(keys[0]!)) return [value as Record<string, unknown>];
  return Object.values(value).flatMap(sources);
}
