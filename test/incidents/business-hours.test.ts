import { describe, expect, it } from 'vitest';
import { localLabel, nextOpening, withinHours, type Hours } from '../../shared/incidents/business-hours.js';

const berlin: Hours = { timeZone: 'Europe/Berlin', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '09:00', end: '18:00' };

describe('business hours', () => {
  it.each([
    // 2026-12-07 is a Monday; Berlin is UTC+1 in December.
    ['2026-12-07T07:59:00Z', false, 'Mon 08:59 Europe/Berlin', '2026-12-07T08:00:00.000Z'],
    ['2026-12-07T08:00:00Z', true, 'Mon 09:00 Europe/Berlin', '2026-12-07T08:00:00.000Z'],
    ['2026-12-07T16:59:30Z', true, 'Mon 17:59 Europe/Berlin', '2026-12-07T16:59:30.000Z'],
    ['2026-12-07T17:00:00Z', false, 'Mon 18:00 Europe/Berlin', '2026-12-08T08:00:00.000Z'],
    // Friday evening waits for Monday morning.
    ['2026-12-11T20:13:00Z', false, 'Fri 21:13 Europe/Berlin', '2026-12-14T08:00:00.000Z'],
    ['2026-12-12T10:00:00Z', false, 'Sat 11:00 Europe/Berlin', '2026-12-14T08:00:00.000Z'],
    // In summer Berlin is UTC+2: 09:00 local is 07:00 UTC.
    ['2026-07-06T07:00:00Z', true, 'Mon 09:00 Europe/Berlin', '2026-07-06T07:00:00.000Z'],
    ['2026-07-06T06:59:00Z', false, 'Mon 08:59 Europe/Berlin', '2026-07-06T07:00:00.000Z'],
  ])('at %s: within %s (%s), next opening %s', (at, within, label, next) => {
    const when = new Date(at);
    expect(withinHours(berlin, when)).toBe(within);
    expect(localLabel(berlin, when)).toBe(label);
    expect(nextOpening(berlin, when).toISOString()).toBe(next);
  });

  it('follows the clock change: the Monday after the last Sunday of March opens at 07:00 UTC', () => {
    expect(nextOpening(berlin, new Date('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });
});
