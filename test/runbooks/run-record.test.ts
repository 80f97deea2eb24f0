import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { advance, finishRun, joinRun, newRun, nextStep } from '../../shared/runbooks/run-record.js';
import type { RunRecord } from '../../shared/state/run.js';
import { minutesAfter, T0 } from '../support/findings.js';

const config = parseConfig({
  checks: [{ id: 'api-health', kind: 'http', target: 'https://api.example.com/health' }],
  remediations: [{ id: 'restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto' }],
  runbooks: [
    {
      id: 'orders-api-5xx',
      match: { alarmNames: ['orders-api-5xx-rate'] },
      steps: [
        { diagnose: ['api-health'] },
        { act: 'restart' },
        { verify: { check: 'api-health', settleSeconds: 60, attempts: 2, intervalSeconds: 10 } },
        { escalate: 'restart did not help' },
      ],
    },
  ],
});
const runbook = config.runbooks[0]!;
const record = (step: string, outcome: string) => ({ step, outcome, detail: '', durationMs: 0 });
const fresh = (): RunRecord => newRun('alarm#e-1', 'e-1', runbook.id, { holder: 'attempt-1' }, minutesAfter(T0, 10), T0);

describe('the run of a runbook', () => {
  it('goes diagnose, act, verify, escalate when the action does not fix it', () => {
    let run = fresh();
    const kinds: string[] = [];
    const outcomes = [
      { record: record('diagnose', 'done') },
      { record: record('act restart', 'acted'), verdict: 'acted' as const, acted: { remediation: 'restart', targetKey: 'ecs:prod/orders-api' } },
      { record: record('verify api-health', 'failed'), verdict: 'acted' as const },
      { record: record('escalate', 'escalated'), verdict: 'escalated' as const, stop: true },
    ];
    for (let step = nextStep(run, runbook), i = 0; step; step = nextStep(run, runbook), i++) {
      kinds.push(step.kind);
      run = advance(run, outcomes[i]!);
    }
    expect(kinds).toEqual(['diagnose', 'act', 'verify', 'escalate']);
    expect(run).toMatchObject({ next: 4, verdict: 'escalated', stopped: true, acted: { remediation: 'restart' } });
  });

  it('passes over verify when nothing was done, and over escalate once fixed', () => {
    const held = advance(advance(fresh(), { record: record('diagnose', 'done') }), { record: record('act restart', 'observed'), verdict: 'observed' });
    expect(nextStep(held, runbook)).toEqual({ index: 2, kind: 'pass', step: 'verify api-health', detail: 'nothing was done to verify' });
    const fixed = { ...held, next: 3, verdict: 'fixed' as const, acted: { remediation: 'restart', targetKey: 'ecs:prod/orders-api' } };
    expect(nextStep(fixed, runbook)).toEqual({ index: 3, kind: 'pass', step: 'escalate', detail: 'fixed; no human needed' });
  });

  it('says it could not verify when its verify re-runs the starting check and nothing started it', () => {
    const unnamed = { ...runbook, steps: [{ act: 'restart' }, { verify: { settleSeconds: 0, attempts: 1, intervalSeconds: 0 } }] };
    const acted = advance(fresh(), {
      record: record('act restart', 'acted'),
      verdict: 'acted',
      acted: { remediation: 'restart', targetKey: 'ecs:prod/orders-api' },
    });
    expect(nextStep(acted, unnamed)).toMatchObject({ kind: 'pass', step: 'verify', detail: expect.stringMatching(/^not verified: /) });
    expect(nextStep({ ...acted, checkId: 'api-health' }, unnamed)).toMatchObject({ kind: 'verify', verify: { check: 'api-health' } });
  });

  it('runs nothing after a step that handed over', () => {
    expect(nextStep({ ...fresh(), next: 2, stopped: true }, runbook)).toBeUndefined();
  });

  it('resumes at the step a retry finds recorded, not at the start', () => {
    const stored = {
      ...advance(advance(fresh(), { record: record('diagnose', 'done') }), {
        record: record('act restart', 'acted'),
        acted: { remediation: 'restart', targetKey: 'ecs:prod/orders-api' },
      }),
      version: 3,
    };
    expect(nextStep(stored, runbook)).toMatchObject({ index: 2, kind: 'verify' });
  });
});

describe('joining a stored run', () => {
  const stored = { ...fresh(), version: 2 };

  it('answers a finished run as a replay', () => {
    const done = finishRun(stored, { verdict: 'fixed' }, minutesAfter(T0, 2));
    expect(done.lease).toBeUndefined();
    expect(joinRun(done, { holder: 'attempt-2' }, minutesAfter(T0, 20), minutesAfter(T0, 3))).toEqual({ replay: done });
  });

  it('waits for a run another attempt still holds', () => {
    expect(joinRun(stored, { holder: 'attempt-2' }, minutesAfter(T0, 20), minutesAfter(T0, 5))).toEqual({ wait: minutesAfter(T0, 10).toISOString() });
  });

  it('takes over a run whose attempt died, once its lease has run out', () => {
    expect(joinRun(stored, { holder: 'attempt-2' }, minutesAfter(T0, 20), minutesAfter(T0, 11))).toEqual({
      take: { ...stored, lease: { holder: 'attempt-2', until: minutesAfter(T0, 20).toISOString() }, attempts: 2 },
    });
  });

  it('takes over at once from an earlier attempt of its own invocation: Lambda retries only after that attempt ended', () => {
    const held = { ...stored, lease: { holder: 'attempt-1', invocation: 'request-7', until: minutesAfter(T0, 10).toISOString() } };
    const retry = joinRun(held, { holder: 'attempt-2', invocation: 'request-7' }, minutesAfter(T0, 20), minutesAfter(T0, 2));
    expect(retry).toEqual({
      take: { ...stored, lease: { holder: 'attempt-2', invocation: 'request-7', until: minutesAfter(T0, 20).toISOString() }, attempts: 2 },
    });
    // A duplicate delivery is another invocation: it waits for the first.
    expect(joinRun(held, { holder: 'attempt-9', invocation: 'request-8' }, minutesAfter(T0, 20), minutesAfter(T0, 2))).toEqual({
      wait: minutesAfter(T0, 10).toISOString(),
    });
  });

  it('takes over at once when its caller knows the holder is gone: a stream record goes to one invocation at a time', () => {
    expect(joinRun(stored, { holder: 'attempt-2', holderGone: true }, minutesAfter(T0, 20), minutesAfter(T0, 2))).toMatchObject({
      take: { attempts: 2, lease: { holder: 'attempt-2' } },
    });
  });

  it('goes on with its own run after a failed write in the same invocation, its lease renewed', () => {
    const released = { ...stored, lease: { holder: 'attempt-1', until: minutesAfter(T0, 5).toISOString() } };
    expect(joinRun(released, { holder: 'attempt-1' }, minutesAfter(T0, 10), minutesAfter(T0, 6))).toEqual({
      take: { ...stored, lease: { holder: 'attempt-1', until: minutesAfter(T0, 10).toISOString() } },
    });
  });
});
