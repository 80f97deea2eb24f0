import type { Finding, Status } from './findings.js';

export interface RoundSummary {
  ran: number;
  counts: Record<Status, number>;
  findings: Finding[];
}

export function summarise(findings: Finding[]): RoundSummary {
  const counts: Record<Status, number> = { ok: 0, warn: 0, fail: 0, error: 0 };
  for (const f of findings) counts[f.status] += 1;
  return { ran: findings.length, counts, findings };
}
