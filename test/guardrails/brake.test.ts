import { describe, expect, it } from 'vitest';
import { brakeSchema } from '../../shared/config/brake.js';
import { brakeApplies } from '../../shared/config/brake-applies.js';
import { askBrake, countingSince, failureThreshold, releaseBrake, watchBrake, type CountedView, type IncidentCounts } from '../../shared/guardrails/brake.js';
import type { Brake } from '../../shared/state/brake.js';
import { minutesAfter, T0 } from '../support/findings.js';

const policy = brakeSchema.parse({ actionsPerHour: 2, failing: { count: 5, share: 0.5, windowMinutes: 10 }, calmMinutes: 15 });
type Flat = Partial<IncidentCounts> & { checks?: number };
/** The brake's view at a minute, its incidents counted. */
const view = (minute: number, { checks = 100, ...counts }: Flat = {}): CountedView => ({
  counts: { openedRecently: 0, checksOpenedRecently: 0, active: 0, ...counts },
  checks,
  now: minutesAfter(T0, minute),
  policy,
});
const ask = (eventId: string, target = `ecs:prod/${eventId}`) => ({
  eventId,
  target,
  remediation: 'restart',
  summary: `restart ${target}`,
  incidentId: `${eventId}/1`,
});

/** Asks for each event in turn, a minute apart, keeping what the brake writes. */
function asks(events: string[], start?: Brake, over: Flat = {}) {
  let brake = start;
  const said = events.map((e, minute) => {
    const { next, held } = askBrake(brake, ask(e), view(minute, over));
    if (next) brake = { ...next, version: (brake?.version ?? 0) + 1 };
    return held ? `${e}: held` : `${e}: goes`;
  });
  return { said, brake: brake! };
}

describe('the brake', () => {
  it('has nothing to hold, and never engages, in a config where no remediation acts on its own', () => {
    expect(brakeApplies({ brake: policy, remediations: [{ mode: 'propose' }, { mode: 'observe' }] })).toBe(false);
    expect(brakeApplies({ brake: policy, remediations: [{ mode: 'auto' }] })).toBe(true);
    expect(brakeApplies({ brake: { ...policy, enabled: false }, remediations: [{ mode: 'auto' }] })).toBe(false);
  });

  it.each([
    [5, 100, 5],
    [5, 6, 3],
    [5, 2, 3],
    [20, 30, 15],
  ])('engages at %i incidents, or half of %i checks (at least 3): %i', (count, checks, expected) => {
    expect(failureThreshold({ ...policy, failing: { ...policy.failing, count } }, checks)).toBe(expected);
  });

  it('lets the budget of automatic actions go, then holds every one after it, saying why', () => {
    const { said, brake } = asks(['a', 'b', 'c', 'd']);
    expect(said).toEqual(['a: goes', 'b: goes', 'c: held', 'd: held']);
    expect(brake.engaged).toEqual({ at: minutesAfter(T0, 2).toISOString(), reason: '2 automatic actions in the last hour (budget 2)' });
    expect(brake.held?.map((h) => h.target)).toEqual(['ecs:prod/c', 'ecs:prod/d']);
  });

  it('decides an action on its budget alone when it is off and its incidents were not counted', () => {
    expect(askBrake(undefined, ask('a'), { checks: 100, now: T0, policy }).held).toBeUndefined();
  });

  it('counts an action once, and holds one once, however often its attempt asks again (a lost reply, a retry)', () => {
    expect(asks(['a', 'a', 'a', 'b']).said).toEqual(['a: goes', 'a: goes', 'a: goes', 'b: goes']);
    const { said, brake } = asks(['a', 'b', 'c', 'c']);
    expect(said).toEqual(['a: goes', 'b: goes', 'c: held', 'c: held']);
    expect(brake.held).toHaveLength(1);
    expect(askBrake(brake, ask('c'), view(5)).next).toBeUndefined();
  });

  it('engages when too many incidents open at once, before any action', () => {
    const { said, brake } = asks(['a'], undefined, { openedRecently: 5 });
    expect(said).toEqual(['a: held']);
    expect(brake.engaged?.reason).toBe('5 incidents opened within 10 min (brake at 5)');
    expect(watchBrake(undefined, view(0, { openedRecently: 4 }))).toBeUndefined();
    expect(watchBrake(undefined, view(0, { openedRecently: 5 }))?.engaged).toBeDefined();
  });

  it("engages when a share of the checks fails at once, counting Vigil's checks only (an alarm is not one)", () => {
    const small = { checks: 6, openedRecently: 4 };
    expect(watchBrake(undefined, view(0, { ...small, checksOpenedRecently: 2 }))).toBeUndefined();
    expect(watchBrake(undefined, view(0, { ...small, checksOpenedRecently: 3 }))?.engaged?.reason).toBe('3 of 6 checks failed within 10 min (brake at 3)');
  });

  it('lifts once fewer incidents are active than it engages on, for its calm time; a relapse starts the count again', () => {
    let brake: Brake = {
      version: 1,
      actions: [],
      engaged: { at: T0.toISOString(), reason: 'x' },
      held: [{ at: T0.toISOString(), eventId: 'e', remediation: 'r', target: 't', summary: 's' }],
    };
    const step = (minute: number, active: number) => {
      const next = watchBrake(brake, view(minute, { active }));
      if (next) brake = next;
      return brake.engaged ? (brake.calmSince ? `calm since ${(Date.parse(brake.calmSince) - T0.getTime()) / 60_000}` : 'on') : 'off';
    };
    expect([step(1, 9), step(2, 4), step(10, 4), step(11, 6), step(12, 3), step(26, 3), step(27, 3)]).toEqual([
      'on',
      'calm since 2',
      'calm since 2',
      'on',
      'calm since 12',
      'calm since 12',
      'off',
    ]);
    expect(brake.lifted).toMatchObject({ by: 'vigil', reason: 'fewer than 5 incidents active for 15 minutes', held: [{ target: 't' }] });
  });

  it('is released by an operator, and counts no incident or action from before the release', () => {
    const { brake } = asks(['a', 'b', 'c']);
    const released = releaseBrake(brake, 'alice', 'understood', minutesAfter(T0, 5));
    expect(released.engaged).toBeUndefined();
    expect(released.lifted).toMatchObject({ by: 'alice', held: [{ target: 'ecs:prod/c' }] });
    expect(countingSince(released, minutesAfter(T0, 6), policy)).toBe(minutesAfter(T0, 5).toISOString());
    expect(askBrake({ ...released, version: 9 }, ask('d'), view(6)).held).toBeUndefined();
    expect(() => releaseBrake(released, 'alice', 'again', minutesAfter(T0, 7))).toThrow('the brake is not on; nothing to release');
  });
});
