import { describe, expect, it } from 'vitest';
import { claim, decideRemediation, markEscalated, orphanedClaim, settle, type GuardInput } from '../../shared/guardrails/decide.js';
import type { ActionOutcome, GuardState } from '../../shared/state/guard.js';
import { minutesAfter, T0 } from '../support/findings.js';

const remediation = { id: 'restart', mode: 'auto' as const, cooldownMinutes: 15, maxActions: { count: 3, windowMinutes: 60 } };
const base: GuardInput = { remediation, risk: 'low', guard: undefined, killSwitch: undefined, eventId: 'e-1', approved: false, now: T0 };
const guard = (actions: { at: Date; remediation?: string; eventId?: string; outcome?: ActionOutcome }[], extra: Partial<GuardState> = {}): GuardState => ({
  targetKey: 'ecs:prod/api',
  version: 3,
  actions: actions.map((a, i) => ({
    remediation: a.remediation ?? 'restart',
    eventId: a.eventId ?? `old-${i}`,
    at: a.at.toISOString(),
    outcome: a.outcome ?? 'done',
  })),
  failedVerifications: 0,
  ...extra,
});

describe('decideRemediation', () => {
  it.each([
    ['acts in auto mode with nothing in the way', {}, { verdict: 'act' }],
    [
      'only observes in observe mode (a dry run)',
      { remediation: { ...remediation, mode: 'observe' as const } },
      { verdict: 'observe', reason: 'mode observe: dry run, nothing done' },
    ],
    [
      'proposes in propose mode',
      { remediation: { ...remediation, mode: 'propose' as const } },
      { verdict: 'propose', reason: 'mode propose: waiting for approval' },
    ],
    ['acts on an approved proposal', { remediation: { ...remediation, mode: 'propose' as const }, approved: true }, { verdict: 'act' }],
    [
      'proposes a high-risk action auto mode was not explicitly allowed',
      { risk: 'high' as const },
      { verdict: 'propose', reason: 'high risk: needs approval' },
    ],
    [
      'acts on a high-risk action allowed with a reason',
      { risk: 'high' as const, remediation: { ...remediation, allowAuto: { reason: 'stateless service, tested' } } },
      { verdict: 'act' },
    ],
    [
      'escalates when the kill switch is off',
      { killSwitch: { automationEnabled: false, by: 'alice', reason: 'region failover drill' } },
      { verdict: 'escalate', reason: 'automatic actions are switched off by alice: region failover drill', guardrail: 'kill-switch' },
    ],
    ['lets an action a human approved through the kill switch', { killSwitch: { automationEnabled: false, by: 'alice' }, approved: true }, { verdict: 'act' }],
    [
      'still holds an approved action to the circuit breaker',
      { approved: true, guard: guard([], { failedVerifications: 3, circuitOpenedAt: '2026-11-23T02:00:00.000Z' }) },
      {
        verdict: 'escalate',
        reason: 'circuit open since 2026-11-23T02:00:00.000Z after 3 actions failed verification; reset it to act again',
        guardrail: 'circuit',
      },
    ],
    [
      'escalates while the circuit is open',
      { guard: guard([], { failedVerifications: 3, circuitOpenedAt: '2026-11-23T02:00:00.000Z' }) },
      {
        verdict: 'escalate',
        reason: 'circuit open since 2026-11-23T02:00:00.000Z after 3 actions failed verification; reset it to act again',
        guardrail: 'circuit',
      },
    ],
    [
      'skips while another action holds the lease',
      { guard: guard([], { lease: { holder: 'e-0', until: minutesAfter(T0, 2).toISOString(), remediation: 'scale' } }) },
      { verdict: 'skip', reason: `another action (scale) holds this target until ${minutesAfter(T0, 2).toISOString()}` },
    ],
    [
      'acts once an abandoned lease has expired',
      { guard: guard([], { lease: { holder: 'e-0', until: minutesAfter(T0, -1).toISOString(), remediation: 'scale' } }) },
      { verdict: 'act' },
    ],
    [
      'skips inside the cooldown',
      { guard: guard([{ at: minutesAfter(T0, -10) }]) },
      {
        verdict: 'skip',
        reason: `cooldown: restart last acted at ${minutesAfter(T0, -10).toISOString()}; next allowed after ${minutesAfter(T0, 5).toISOString()}`,
      },
    ],
    ['acts after the cooldown', { guard: guard([{ at: minutesAfter(T0, -16) }]) }, { verdict: 'act' }],
    [
      'escalates at the rate limit',
      {
        guard: guard([
          { at: minutesAfter(T0, -50), remediation: 'a' },
          { at: minutesAfter(T0, -40), remediation: 'b' },
          { at: minutesAfter(T0, -30), remediation: 'c' },
        ]),
      },
      { verdict: 'escalate', reason: 'rate limit: 3 actions on this target in the last 60 minutes (max 3)', guardrail: 'rate-limit' },
    ],
    [
      'acts when the only recent action on the target was never applied',
      { guard: guard([{ at: minutesAfter(T0, -10), outcome: 'not-applied' }]) },
      { verdict: 'act' },
    ],
    [
      'spends no budget on actions that were never applied',
      {
        guard: guard([
          { at: minutesAfter(T0, -50), outcome: 'not-applied' },
          { at: minutesAfter(T0, -40), remediation: 'b' },
          { at: minutesAfter(T0, -30), remediation: 'c' },
        ]),
      },
      { verdict: 'act' },
    ],
    [
      'holds quietly once the rate limit was escalated in its window',
      {
        guard: guard(
          [
            { at: minutesAfter(T0, -50), remediation: 'a' },
            { at: minutesAfter(T0, -40), remediation: 'b' },
            { at: minutesAfter(T0, -30), remediation: 'c' },
          ],
          { escalated: { 'rate-limit': minutesAfter(T0, -20).toISOString() } },
        ),
      },
      { verdict: 'skip', reason: `rate limit: 3 actions on this target in the last 60 minutes (max 3) (escalated at ${minutesAfter(T0, -20).toISOString()})` },
    ],
    [
      'escalates the circuit again once it opened anew after the last escalation',
      { guard: guard([], { failedVerifications: 3, circuitOpenedAt: '2026-11-23T02:00:00.000Z', escalated: { circuit: '2026-11-23T01:00:00.000Z' } }) },
      {
        verdict: 'escalate',
        reason: 'circuit open since 2026-11-23T02:00:00.000Z after 3 actions failed verification; reset it to act again',
        guardrail: 'circuit',
      },
    ],
  ])('%s', (_, overrides, expected) => {
    expect(decideRemediation({ ...base, ...overrides })).toEqual(expected);
  });

  it('resumes, and never plans anew, an action this event already claimed, even in observe mode', () => {
    const g = guard([{ at: minutesAfter(T0, -1), eventId: 'e-1', outcome: undefined as never }]);
    expect(decideRemediation({ ...base, guard: g, remediation: { ...remediation, mode: 'observe' } })).toEqual({ verdict: 'resume', prior: g.actions[0] });
  });
});

describe('orphanedClaim', () => {
  const unsettled = (eventId: string) => ({ remediation: 'restart', eventId, at: minutesAfter(T0, -10).toISOString() });

  it("finds another event's unsettled action once its claimer's lease has run out", () => {
    const g = { ...guard([]), actions: [unsettled('e-0')], lease: { holder: 'e-0', until: minutesAfter(T0, -5).toISOString(), remediation: 'restart' } };
    expect(orphanedClaim(g, 'e-1', T0)).toEqual(unsettled('e-0'));
  });

  it("leaves alone an action still in flight, this event's own, and settled ones", () => {
    const live = {
      ...guard([{ at: T0 }]),
      actions: [unsettled('e-0')],
      lease: { holder: 'e-0', until: minutesAfter(T0, 5).toISOString(), remediation: 'restart' },
    };
    expect(orphanedClaim(live, 'e-1', T0)).toBeUndefined();
    expect(orphanedClaim({ ...guard([]), actions: [unsettled('e-1')] }, 'e-1', T0)).toBeUndefined();
    expect(orphanedClaim(guard([{ at: minutesAfter(T0, -10) }]), 'e-1', T0)).toBeUndefined();
  });
});

describe('markEscalated', () => {
  it('marks a guardrail as escalated, creating the guard when the target has none', () => {
    expect(markEscalated(undefined, 'ecs:prod/api', 'kill-switch', T0)).toEqual({
      targetKey: 'ecs:prod/api',
      version: 0,
      actions: [],
      failedVerifications: 0,
      escalated: { 'kill-switch': T0.toISOString() },
    });
  });
});

describe('claim and settle', () => {
  const plan = { summary: 'force a new deployment of prod/api', change: { primary: 'ecs-svc/1' } };

  it('claims with a lease and a record of the action and its plan, then releases it with the outcome', () => {
    const claimed = claim(guard([{ at: minutesAfter(T0, -200) }]), 'ecs:prod/api', 'restart', 'e-1', T0, 300, 60, plan);
    expect(claimed).toMatchObject({ lease: { holder: 'e-1', until: minutesAfter(T0, 5).toISOString() } });
    expect(claimed.actions).toEqual([{ remediation: 'restart', eventId: 'e-1', at: T0.toISOString(), plan }]);
    const done = settle(claimed, { eventId: 'e-1', remediation: 'restart' }, 'done', T0, 3, 'new deployment started')!;
    expect(done.lease).toBeUndefined();
    expect(done.actions[0]).toMatchObject({ outcome: 'done', result: 'new deployment started' });
  });

  it('records an outcome once: a retried attempt changes nothing', () => {
    const claimed = claim(undefined, 'ecs:prod/api', 'restart', 'e-1', T0, 300, 60, plan);
    const done = settle(claimed, { eventId: 'e-1', remediation: 'restart' }, 'done', T0, 3)!;
    expect(settle(done, { eventId: 'e-1', remediation: 'restart' }, 'done', T0, 3)).toBeUndefined();
    const failed = settle(done, { eventId: 'e-1', remediation: 'restart' }, 'not-verified', T0, 3)!;
    expect(failed.failedVerifications).toBe(1);
    expect(settle(failed, { eventId: 'e-1', remediation: 'restart' }, 'not-verified', T0, 3)).toBeUndefined();
  });

  it('opens the circuit at the configured number of failed verifications in a row, and a pass resets the count', () => {
    let g = guard(
      [
        { at: T0, eventId: 'x' },
        { at: T0, eventId: 'y' },
      ],
      { failedVerifications: 1 },
    );
    g = settle(g, { eventId: 'x', remediation: 'restart' }, 'not-verified', T0, 3)!;
    expect(g.circuitOpenedAt).toBeUndefined();
    expect(settle(g, { eventId: 'y', remediation: 'restart' }, 'verified', T0, 3)!.failedVerifications).toBe(0);
    expect(settle(g, { eventId: 'y', remediation: 'restart' }, 'not-verified', T0, 3)!.circuitOpenedAt).toBe(T0.toISOString());
  });

  it('settles each of two actions one event took on the same target, by its remediation', () => {
    const both = claim(claim(undefined, 'rds:orders-db', 'snapshot', 'e-1', T0, 300, 60, plan), 'rds:orders-db', 'reboot', 'e-1', T0, 300, 60, plan);
    const first = settle(both, { eventId: 'e-1', remediation: 'snapshot' }, 'done', T0, 3)!;
    const second = settle(first, { eventId: 'e-1', remediation: 'reboot' }, 'done', T0, 3)!;
    expect(second.actions.map((a) => [a.remediation, a.outcome])).toEqual([
      ['snapshot', 'done'],
      ['reboot', 'done'],
    ]);
  });
});
