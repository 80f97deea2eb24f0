import type { WindowConfig } from '../config/window.js';
import { worst, type Finding, type Status } from '../findings.js';
import type { WindowHistory } from '../state/round-summary.js';
import { gradeAboveBelow, type AboveBelow } from '../thresholds.js';

const CODE: Record<Status, string> = { ok: 'o', warn: 'w', fail: 'f', error: 'e' };

const round2 = (n: number) => Math.round(n * 100) / 100;

/** A measure against its limits: its status, and the words a finding says it with when it trips. */
function measure(name: string, value: number, unit: string, limits: Pick<AboveBelow, 'warnAbove' | 'failAbove'>): { status: Status; words: string } {
  const status = gradeAboveBelow(value, limits);
  const limit = status === 'fail' ? limits.failAbove : limits.warnAbove;
  return { status, words: `${name} ${round2(value)}${unit} (${status} above ${limit}${unit})` };
}

/** Nearest-rank percentile of a non-empty list. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * One round more in the check's window, and the finding judged over the window as well as alone: a rule
 * that trips makes it worse (and says so), never better. Until the window holds enough rounds (or enough
 * rounds that observed its number) it judges nothing, and the finding's evidence says how many it has. Pure.
 */
export function judgeWindow(window: WindowConfig, history: WindowHistory | undefined, finding: Finding): { finding: Finding; history: WindowHistory } {
  const observed = window.of === undefined ? undefined : window.of === 'durationMs' ? finding.durationMs : finding.observed[window.of];
  const next: WindowHistory = {
    s: `${history?.s ?? ''}${CODE[finding.status]}`.slice(-window.samples),
    v: [...(history?.v ?? []), observed ?? null].slice(-window.samples),
  };
  const rounds = next.s.length;
  const needed = window.minSamples ?? window.samples;
  const values = next.v.filter((v): v is number => v !== null);
  const evidence: Record<string, number | string> = { rounds, needed };
  const judged: { status: Status; words: string }[] = [];
  if (rounds >= needed && window.failingShare) {
    const failing = [...next.s].filter((c) => c === 'f' || c === 'e').length;
    evidence.failingSharePercent = round2((failing / rounds) * 100);
    judged.push(measure(`${failing} of ${rounds} rounds failing:`, (failing / rounds) * 100, '%', window.failingShare));
  }
  if (window.of !== undefined && (window.average || window.percentile || window.growth)) {
    evidence.observed = values.length;
    // A number no round of a full window observed is a name the check never reports: said, so a typo in `of` is not silent.
    if (rounds >= needed && values.length === 0)
      judged.push({ status: 'warn', words: `no round observed "${window.of}": set the window's \`of\` to a number this check reports` });
    // A partial sample judges nothing: the window never speaks for rounds that could not measure.
    if (rounds >= needed && values.length >= needed) {
      const of = window.of;
      if (window.average) judged.push(measure(`average ${of}`, values.reduce((a, b) => a + b, 0) / values.length, '', window.average));
      if (window.percentile) judged.push(measure(`p${window.percentile.p} ${of}`, percentile(values, window.percentile.p), '', window.percentile));
      if (window.growth && values[0] !== 0)
        judged.push(measure(`${of} growth`, ((values.at(-1)! - values[0]!) / Math.abs(values[0]!)) * 100, '%', window.growth));
    }
  }
  const tripped = judged.filter((j) => j.status !== 'ok');
  const withEvidence = { ...finding, evidence: { ...finding.evidence, window: evidence } };
  if (!tripped.length) return { finding: withEvidence, history: next };
  return {
    finding: {
      ...withEvidence,
      status: worst(finding.status, ...tripped.map((t) => t.status)),
      summary: `${finding.summary}; over the last ${rounds} rounds: ${tripped.map((t) => t.words).join(', ')}`,
    },
    history: next,
  };
}
