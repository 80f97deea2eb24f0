import { describe, expect, it } from 'vitest';
import { windowSchema, type WindowConfig } from '../../shared/config/window.js';
import type { Finding, Status } from '../../shared/findings.js';
import { judgeWindow } from '../../shared/incidents/window.js';
import type { WindowHistory } from '../../shared/state/round-summary.js';

const finding = (status: Status, observed: Record<string, number> = {}): Finding => ({
  checkId: 'api-health',
  kind: 'http',
  target: 'https://api.example.com/health',
  status,
  summary: status === 'ok' ? 'HTTP 200' : 'HTTP 503',
  observed,
  startedAt: '2026-12-05T03:00:00.000Z',
  durationMs: 40,
});
const window = (w: object): WindowConfig => windowSchema.parse(w);

/** Rounds one after another through the window: the last round's judged finding, and the history it leaves. */
function rounds(w: WindowConfig, findings: Finding[], from?: WindowHistory) {
  let history = from;
  let last: Finding | undefined;
  for (const f of findings) ({ finding: last, history } = judgeWindow(w, history, f));
  return { finding: last!, history: history! };
}

describe('a check judged over its window', () => {
  it("fails on the guide's error share: over 1% of the last 100 rounds failing, though this round passed", () => {
    const w = window({ samples: 100, failingShare: { failAbove: 1 } });
    const history = { s: 'f'.repeat(1) + 'o'.repeat(98), v: [] };
    expect(judgeWindow(w, history, finding('ok')).finding.status).toBe('ok');
    const { finding: judged } = judgeWindow(w, { s: 'ff' + 'o'.repeat(97), v: [] }, finding('ok'));
    expect(judged).toMatchObject({ status: 'fail', summary: 'HTTP 200; over the last 100 rounds: 2 of 100 rounds failing: 2% (fail above 1%)' });
    expect(judged.evidence).toEqual({ window: { rounds: 100, needed: 100, failingSharePercent: 2 } });
  });

  it("warns, then fails, on the average response over the window (the guide's 500 ms)", () => {
    const w = window({ samples: 4, of: 'latencyMs', average: { warnAbove: 500, failAbove: 800 } });
    expect(
      rounds(
        w,
        [400, 450, 500, 550].map((ms) => finding('ok', { latencyMs: ms })),
      ).finding.status,
    ).toBe('ok');
    expect(
      rounds(
        w,
        [500, 550, 600, 650].map((ms) => finding('ok', { latencyMs: ms })),
      ).finding,
    ).toMatchObject({
      status: 'warn',
      summary: 'HTTP 200; over the last 4 rounds: average latencyMs 575 (warn above 500)',
    });
    expect(
      rounds(
        w,
        [900, 900, 900, 900].map((ms) => finding('ok', { latencyMs: ms })),
      ).finding.status,
    ).toBe('fail');
  });

  it('judges a percentile by nearest rank', () => {
    const w = window({ samples: 20, of: 'latencyMs', percentile: { p: 95, failAbove: 1000 } });
    const quick = Array.from({ length: 18 }, () => finding('ok', { latencyMs: 100 }));
    expect(rounds(w, [...quick, finding('ok', { latencyMs: 5000 }), finding('ok', { latencyMs: 100 })]).finding.status).toBe('ok');
    expect(rounds(w, [...quick, finding('ok', { latencyMs: 5000 }), finding('ok', { latencyMs: 5000 })]).finding).toMatchObject({
      status: 'fail',
      summary: 'HTTP 200; over the last 20 rounds: p95 latencyMs 5000 (fail above 1000)',
    });
  });

  it("fails on the guide's memory growth: over 10% from the window's first value to its last", () => {
    const w = window({ samples: 10, of: 'value', growth: { failAbove: 10 } });
    const memory = (values: number[]) =>
      rounds(
        w,
        values.map((v) => finding('ok', { value: v })),
      ).finding;
    expect(memory([60, 61, 61, 62, 62, 63, 64, 64, 65, 65]).status).toBe('ok');
    expect(memory([60, 61, 62, 63, 64, 65, 66, 67, 68, 69])).toMatchObject({
      status: 'fail',
      summary: 'HTTP 200; over the last 10 rounds: value growth 15% (fail above 10%)',
    });
  });

  it('judges nothing until it holds enough rounds, and says how many it has', () => {
    const w = window({ samples: 10, minSamples: 5, failingShare: { failAbove: 10 } });
    const early = rounds(w, [finding('fail'), finding('fail'), finding('ok')]).finding;
    expect(early.status).toBe('ok');
    expect(early.evidence).toEqual({ window: { rounds: 3, needed: 5 } });
    expect(rounds(w, [finding('fail'), finding('fail'), finding('ok'), finding('ok'), finding('ok')]).finding.status).toBe('fail');
  });

  it('judges no value over rounds that could not measure it: a partial sample never speaks', () => {
    const w = window({ samples: 4, of: 'latencyMs', average: { failAbove: 100 } });
    const judged = rounds(w, [finding('ok', { latencyMs: 900 }), finding('fail'), finding('fail'), finding('ok', { latencyMs: 900 })]).finding;
    expect(judged.status).toBe('ok');
    expect(judged.evidence).toEqual({ window: { rounds: 4, needed: 4, observed: 2 } });
  });

  it('says so when no round of a full window observed its number: a name the check never reports', () => {
    const w = window({ samples: 3, of: 'latencyMS', average: { failAbove: 100 } });
    expect(rounds(w, [finding('ok', { latencyMs: 40 }), finding('ok', { latencyMs: 40 }), finding('ok', { latencyMs: 40 })]).finding).toMatchObject({
      status: 'warn',
      summary: 'HTTP 200; over the last 3 rounds: no round observed "latencyMS": set the window\'s `of` to a number this check reports',
    });
  });

  it('never makes a failing round better, and keeps only its latest rounds', () => {
    const w = window({ samples: 3, failingShare: { failAbove: 90 } });
    const { finding: judged, history } = rounds(w, [finding('fail'), finding('ok'), finding('ok'), finding('error')]);
    expect(judged.status).toBe('error');
    expect(history).toEqual({ s: 'ooe', v: [null, null, null] });
  });

  it('names what is missing in a window that cannot judge', () => {
    expect(() => windowSchema.parse({ samples: 10 })).toThrow(/give at least one rule/);
    expect(() => windowSchema.parse({ samples: 10, average: { failAbove: 500 } })).toThrow(/required with average, percentile or growth/);
    expect(() => windowSchema.parse({ samples: 10, failingShare: {} })).toThrow(/give warnAbove, failAbove or both/);
    expect(() => windowSchema.parse({ samples: 10, minSamples: 20, failingShare: { failAbove: 1 } })).toThrow(/at most samples \(10\)/);
  });
});
