// Where a config names secrets; no probe or schema here, so a function's entry can read them without loading either.

/** Each `{ secret: id }` source anywhere in a check's or remediation's settings: what its function may read. */
export function secretIds(settings: unknown): string[] {
  return sources(settings).flatMap((s) => (typeof s.secret === 'string' ? [s.secret] : []));
}

/** Objects shaped like a secret source (`{ secret }`, `{ env }`, `{ value }`), however deep. */
export function sources(value: unknown): Record<string, unknown>[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(sources);
  const keys = Object.keys(value);
  if (keys.length === 1 && ['secret', 'env', 'value'].includes(keys[0]!)) return [value as Record<string, unknown>];
  return Object.values(value).flatMap(sources);
}
