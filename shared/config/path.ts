// Apart from load.ts, so that event validation does not build the config schema on a cold start.

/** `['checks', 3, 'thresholds']` → `checks[3].thresholds` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}
