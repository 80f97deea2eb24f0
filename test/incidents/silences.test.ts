import { describe, expect, it } from 'vitest';
import { activeSilence } from '../../shared/config/silence-windows.js';
import type { Silence } from '../../shared/config/silences.js';

const check = { id: 'orders-db', tags: { service: 'orders', team: 'data' } };
const sunday = (hhmm: string) => new Date(`2026-11-22T${hhmm}:00.000Z`); // a Sunday
const monday = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00.000Z`);

describe('activeSilence', () => {
  const window: Silence = { id: 'w', reason: 'weekly maintenance', tags: { service: 'orders' }, weekly: { days: ['SUN'], start: '03:00', end: '06:00' } };

  it.each([
    [sunday('02:59'), false],
    [sunday('03:00'), true],
    [sunday('05:59'), true],
    [sunday('06:00'), false],
    [monday('04:00'), false],
  ])('a Sunday 03:00-06:00 UTC window covers %s: %s', (now, covered) => {
    expect(activeSilence([window], check, now) !== undefined).toBe(covered);
  });

  it('runs past midnight when the end is before the start', () => {
    const overnight: Silence = { id: 'n', reason: 'batch', checks: ['orders-db'], weekly: { days: ['SUN'], start: '23:00', end: '02:00' } };
    expect(activeSilence([overnight], check, sunday('23:30'))).toBe(overnight);
    expect(activeSilence([overnight], check, monday('01:59'))).toBe(overnight);
    expect(activeSilence([overnight], check, monday('02:00'))).toBeUndefined();
    expect(activeSilence([overnight], check, sunday('01:00'))).toBeUndefined();
  });

  it('matches by check id or by every tag given', () => {
    const byId: Silence = { id: 'a', reason: 'r', checks: ['other'] };
    const byTags: Silence = { id: 'b', reason: 'r', tags: { service: 'orders', team: 'payments' } };
    expect(activeSilence([byId, byTags], check, monday('10:00'))).toBeUndefined();
    expect(activeSilence([{ ...byTags, tags: { team: 'data' } }], check, monday('10:00'))?.id).toBe('b');
  });

  it('holds only between from and until', () => {
    const once: Silence = { id: 'c', reason: 'migration', checks: ['orders-db'], from: '2026-11-23T10:00:00Z', until: '2026-11-23T11:00:00Z' };
    expect(activeSilence([once], check, monday('09:59'))).toBeUndefined();
    expect(activeSilence([once], check, monday('10:30'))).toBe(once);
    expect(activeSilence([once], check, monday('11:00'))).toBeUndefined();
  });
});
