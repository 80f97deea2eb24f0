import type { Finding } from '../../shared/findings.js';
import { statusLabel } from './io.js';

/** Findings as aligned columns: status, check, time, summary. */
export function findingsTable(findings: readonly Pick<Finding, 'status' | 'checkId' | 'durationMs' | 'summary'>[], color: boolean): string {
  const rows = findings.map((f) => [f.status, f.checkId, `${f.durationMs} ms`, f.summary] as const);
  const idWidth = Math.max(5, ...rows.map((r) => r[1].length));
  const timeWidth = Math.max(4, ...rows.map((r) => r[2].length));
  const line = (status: string, statusWidth: number, id: string, time: string, summary: string) =>
    `${status}${' '.repeat(Math.max(1, 8 - statusWidth))}${id.padEnd(idWidth)}  ${time.padStart(timeWidth)}  ${summary}`;
  return [
    line('STATUS', 6, 'CHECK', 'TIME', 'SUMMARY'),
    ...rows.map(([status, id, time, summary]) => line(statusLabel(status, color), statusLabel(status, false).length, id, time, summary)),
  ].join('\n');
}
