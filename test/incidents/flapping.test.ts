import { describe, expect, it } from 'vitest';
import type { Status } from '../../shared/findings.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import type { IncidentPolicy } from '../../shared/incidents/policy.js';
import { buildNotification } from '../../shared/notifications/message.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

// Flapping: more than 3 changes between failing and passing within 10 minutes; over once still for 5.
const policy: IncidentPolicy = {
  failureThreshold: 2,
  successThreshold: 2,
  openOnWarn: false,
  maxRepeats: 2,
  respondMinutes: 15,
  repeatMinutes: 5,
  flapping: { changes: 3, windowMinutes: 10, stableMinutes: 5 },
};

/** One finding a minute ('.' is a minute with no round), and the transitions they produced. */
function play(pattern: string, options: { policy?: IncidentPolicy; start?: CheckState } = {}) {
  let state = options.start;
  const transitions: string[] = [];
  const writes: number[] = [];
  [...pattern].forEach((c, minute) => {
    if (c === '.') return;
    const status: Status = c === 'F' ? 'fail' : 'ok';
    const now = minutesAfter(T0, minute);
    const next = decideIncident(state, finding(status, now), { policy: options.policy ?? policy, severity: 'P2', silence: undefined, now });
    if (!next) return;
    writes.push(minute);
    if (next.transition && next.transition.seq !== state?.transition?.seq) transitions.push(`${minute}:${next.transition.kind}`);
    state = next;
  });
  return { transitions, writes, state: state! };
}

describe('flapping', () => {
  it('is told once, on a new incident, when a check changes more often than allowed', () => {
    const { transitions, state } = play('FPFPFPFPFP');
    expect(transitions).toEqual(['4:flapping']);
    expect(state.incident).toMatchObject({ id: 'api-health/1', state: 'open', flapping: true, notificationsSent: 1 });
    expect(state.transition?.reason).toBe('changed 3+ times within 10 minutes');
    expect(state.flappingSince).toBe(minutesAfter(T0, 4).toISOString());
  });

  it('marks the incident already open, and sends no reminder or escalation while it flaps', () => {
    const { transitions, state } = play('FFPFPFPFPFFFFPFPFPFP');
    expect(transitions).toEqual(['1:opened', '5:flapping']);
    expect(state.incident).toMatchObject({ id: 'api-health/1', flapping: true, notificationsSent: 1 });
  });

  it('resolves once it held still passing long enough, and pages once it held still failing', () => {
    expect(play('FPFPFPPPPPPPP').transitions).toEqual(['4:flapping', '10:resolved']);
    const failing = play('FPFPFFFFFFFFF');
    expect(failing.transitions).toEqual(['4:flapping', '9:opened']);
    expect(failing.state.incident).toMatchObject({ id: 'api-health/1', state: 'open', notificationsSent: 2 });
    expect(failing.state.incident?.flapping).toBeUndefined();
    expect(failing.state.flappingSince).toBeUndefined();
    expect(failing.state.transition?.reason).toBe('stopped flapping: failing for 5 minutes');
  });

  it('judges on the state it held, even when the round that ends it changes again', () => {
    // Passing from minute 5 to 12, no round until 13, which fails: resolved on what it held, then a new incident as usual.
    const { transitions, state } = play('FPFPFP.......FF');
    expect(transitions).toEqual(['4:flapping', '13:resolved', '14:opened']);
    expect(state.incident?.id).toBe('api-health/2');
  });

  it('does not count changes further apart than the window', () => {
    const { transitions } = play('FFFFPPPPFFFFPPPPFFFFPPPP');
    expect(transitions.some((t) => t.endsWith('flapping'))).toBe(false);
    expect(transitions).toEqual(['1:opened', '5:resolved', '9:opened', '13:resolved', '17:opened', '21:resolved']);
  });

  it('never flaps without a policy (an alarm), and keeps the stored changes to what deciding needs', () => {
    const alternating = 'FP'.repeat(30);
    const { flapping: _, ...alarm } = policy;
    expect(play(alternating, { policy: alarm }).state.changes).toBeUndefined();
    expect(play(alternating).state.changes).toHaveLength(policy.flapping!.changes + 1);
  });

  it('writes only when it changes while flapping', () => {
    const { writes } = play('FPFPFFFF');
    expect(writes).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('says in its message that nothing more is sent until it holds still', () => {
    const { state } = play('FPFPF');
    const { subject, body } = buildNotification(state.incident!, state.transition!, { check: undefined, policy, incidentsFunction: 'vigil-incidents' });
    expect(subject).toMatch(/^\[P2\]\[FLAPPING\] api-health: /);
    expect(body).toContain('api-health is flapping');
    expect(body).toContain('Until it holds still for 5 min');
    expect(body).toContain('no runbook acts for it');
  });
});
