import type { CheckInput } from '../shared/config/schema.js';

/** N HTTP checks as a large team would write them: half in families of services, four fifths every minute. */
export function generatedChecks(n: number): CheckInput[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `svc-${i}-health`,
    kind: 'http' as const,
    target: `https://svc-${i}.example.com/health`,
    ...(i % 2 ? { group: `family-${i % 200}` } : {}),
    schedule: i % 5 ? 'rate(1 minute)' : 'rate(5 minutes)',
  }));
}
