import type { Finding, Status } from '../../shared/findings.js';

export const T0 = new Date('2026-11-23T03:00:00.000Z');

export const minutesAfter = (start: Date, minutes: number) => new Date(start.getTime() + minutes * 60_000);

export function finding(status: Status, at: Date, overrides: Partial<Finding> = {}): Finding {
  return {
    checkId: 'api-health',
    kind: 'http',
    target: 'https://api.example.com/health',
    status,
    summary: status === 'ok' ? 'HTTP 200 in 40 ms' : 'HTTP 503 (expected 200)',
    observed: { statusCode: status === 'ok' ? 200 : 503 },
    startedAt: at.toISOString(),
    durationMs: 40,
    ...overrides,
  };
}
