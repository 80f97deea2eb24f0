import { describe, expect, it } from 'vitest';
import { decideIncident } from '../../shared/incidents/decide.js';
import { decideActed, decideEscalation, decideHumanAction, decideProposal } from '../../shared/incidents/human.js';
import type { IncidentPolicy } from '../../shared/incidents/policy.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

const policy: IncidentPolicy = { failureThreshold: 1, successThreshold: 2, openOnWarn: false, maxRepeats: 3, respondMinutes: 15, repeatMinutes: 5 };
const open = decideIncident(undefined, finding('fail', T0), { policy, severity: 'P2', silence: undefined, now: T0 })!;
const later = minutesAfter(T0, 3);
const alice = { incidentId: 'api-health/1', by: 'alice', reason: 'looking into the database' };

describe('decideHumanAction', () => {
  it('acknowledges an open incident, recording who, when and why', () => {
    const acked = decideHumanAction(open, { op: 'ack', ...alice }, later);
    expect(acked.incident).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'alice', acknowledgedAt: later.toISOString() });
    expect(acked.transition).toEqual({
      seq: 2,
      kind: 'acknowledged',
      incidentId: 'api-health/1',
      at: later.toISOString(),
      by: 'alice',
      reason: 'looking into the database',
    });
  });

  it('resolves and starts counting again, so a still-failing target reopens only after the threshold', () => {
    const resolved = decideHumanAction(open, { op: 'resolve', ...alice }, later);
    expect(resolved.incident).toMatchObject({ state: 'resolved', resolvedBy: 'alice' });
    const strictPolicy = { ...policy, failureThreshold: 2 };
    const once = decideIncident(resolved, finding('fail', minutesAfter(T0, 4)), {
      policy: strictPolicy,
      severity: 'P2',
      silence: undefined,
      now: minutesAfter(T0, 4),
    });
    expect(once?.incident?.state).toBe('resolved');
  });

  it('silences until a time, moves the end when silenced again, and lifts it on unsilence', () => {
    const silenced = decideHumanAction(open, { op: 'silence', ...alice, until: '2026-11-23T14:00:00.000Z' }, later);
    expect(silenced.incident).toMatchObject({ silenced: true, silencedUntil: '2026-11-23T14:00:00.000Z' });
    const extended = decideHumanAction(silenced, { op: 'silence', ...alice, until: '2026-11-23T18:00:00.000Z' }, later);
    expect(extended).toMatchObject({
      incident: { silencedUntil: '2026-11-23T18:00:00.000Z' },
      transition: { kind: 'silenced', seq: silenced.transition!.seq + 1 },
    });
    const lifted = decideHumanAction(extended, { op: 'unsilence', ...alice }, later);
    expect(lifted.incident).toMatchObject({ silenced: false, state: 'open' });
    expect(lifted.incident).not.toHaveProperty('silencedUntil');
    expect(lifted.transition).toMatchObject({ kind: 'unsilenced', by: 'alice' });
  });

  it.each([
    [{ op: 'ack' as const, ...alice, incidentId: 'api-health/7' }, open, 'no incident api-health/7; the latest for api-health is api-health/1'],
    [{ op: 'ack' as const, ...alice }, decideHumanAction(open, { op: 'ack', ...alice }, later), 'incident api-health/1 was already acknowledged by alice'],
    [
      { op: 'resolve' as const, ...alice },
      decideHumanAction(open, { op: 'resolve', ...alice }, later),
      /^incident api-health\/1 is already resolved \(by alice at /,
    ],
    [{ op: 'unsilence' as const, ...alice }, open, 'incident api-health/1 is not silenced'],
  ])('refuses %j when it does not apply', (action, state: CheckState, message) => {
    expect(() => decideHumanAction(state, action, later)).toThrow(message);
  });
});

describe('decideEscalation and decideProposal', () => {
  it('escalates an incident once: a second escalation, from another event or a retried attempt, changes nothing', () => {
    const escalated = decideEscalation(open, 'api-health/1', 'restart did not help', later)!;
    expect(escalated.transition).toMatchObject({ kind: 'escalated', reason: 'restart did not help', seq: open.transition!.seq + 1 });
    expect(decideEscalation(escalated, 'api-health/1', 'restart did not help', minutesAfter(T0, 4))).toBeUndefined();
  });

  it('has nothing to escalate once the incident resolved or moved on', () => {
    const resolved = decideHumanAction(open, { op: 'resolve', ...alice }, later);
    expect(decideEscalation(resolved, 'api-health/1', 'x', later)).toBeUndefined();
    expect(decideEscalation(open, 'api-health/0', 'x', later)).toBeUndefined();
  });

  it('records an action once per run and step, tells of it even on a resolved incident, and keeps the last few', () => {
    const action = {
      by: 'vigil',
      at: later.toISOString(),
      summary: 'terminate 1 idle-in-transaction session: pid 2791',
      result: 'terminated pid 2791',
      remediation: 'orders-db-terminate-idle',
      run: 'check#api-health/1#1',
      step: 0,
      runbook: 'leaked-tx',
    };
    const acted = decideActed(open, 'api-health/1', action, later)!;
    expect(acted.transition).toMatchObject({ kind: 'acted', by: 'vigil', action, run: { id: 'check#api-health/1#1', runbook: 'leaked-tx' } });
    expect(acted.incident!.actions).toEqual([action]);
    expect(decideActed(acted, 'api-health/1', action, minutesAfter(T0, 4))).toBeUndefined();
    const resolved = decideHumanAction(open, { op: 'resolve', ...alice }, later);
    expect(decideActed(resolved, 'api-health/1', action, later)?.transition).toMatchObject({ kind: 'acted' });
    expect(decideActed(open, 'api-health/9', action, later)).toBeUndefined();
    let many: CheckState = open;
    for (let step = 0; step < 8; step++) many = decideActed(many, 'api-health/1', { ...action, step }, later)!;
    expect(many.incident!.actions!.map((a) => a.step)).toEqual([3, 4, 5, 6, 7]);
  });

  it('proposes a plan once, however often the same proposal is made', () => {
    const approval = {
      payload: { remediation: 'rollback', approve: 'abc-1' },
      function: 'vigil-test-remediate',
      expiresAt: minutesAfter(T0, 30).toISOString(),
    };
    const proposed = decideProposal(open, 'api-health/1', 'roll back', approval, later)!;
    expect(proposed.transition).toMatchObject({ kind: 'proposed', approval });
    expect(decideProposal(proposed, 'api-health/1', 'roll back', approval, later)).toBeUndefined();
  });
});
