import { describe, expect, it } from 'vitest';
import type { HeartbeatReport } from '../../shared/state/heartbeat.js';
import { fixedClock, runOne } from '../support/checks.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const run = (report: HeartbeatReport | undefined, extra: object = {}) =>
  runOne({ kind: 'heartbeat', periodMinutes: 1440, ...extra } as never, {
    clock: fixedClock(NOW),
    aws: {} as never,
    heartbeats: { getHeartbeat: async () => report },
  });

describe('heartbeat probe', () => {
  it('passes a report within its period, naming its age and message', async () => {
    expect(await run({ at: hoursAgo(3), status: 'ok', message: 'backup finished', via: 'cli' })).toMatchObject({
      status: 'ok',
      summary: 'reported 3 h ago: backup finished',
      observed: { ageMinutes: 180 },
    });
  });

  it('gives a tenth of the period as grace by default, at least 5 minutes', async () => {
    // Daily: 2.4 h of grace. 26 h late is missing; 26 h is within 24 + 2.4.
    expect((await run({ at: hoursAgo(26), status: 'ok', via: 'url' })).status).toBe('ok');
    expect(await run({ at: hoursAgo(26.5), status: 'ok', via: 'url' })).toMatchObject({
      status: 'fail',
      summary: 'missing: last report 26.5 h ago (expected every 24 h, 2.4 h grace)',
    });
    expect((await run({ at: hoursAgo(0.3), status: 'ok', via: 'url' }, { periodMinutes: 10 })).summary).toBe(
      'missing: last report 18 min ago (expected every 10 min, 5 min grace)',
    );
  });

  it('says "no report yet" as configured: a job not run since the deploy', async () => {
    expect(await run(undefined)).toMatchObject({ status: 'warn', summary: 'no report yet (expected every 24 h, 2.4 h grace)' });
    expect((await run(undefined, { noReport: 'fail' })).status).toBe('fail');
  });

  it('is an error, saying how to run it, without the state table', async () => {
    const f = await runOne({ kind: 'heartbeat', periodMinutes: 60 } as never, { clock: fixedClock(NOW), aws: {} as never });
    expect(f).toMatchObject({ status: 'error', summary: expect.stringContaining('heartbeat checks read the state table') });
  });
});
