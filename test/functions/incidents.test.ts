import { afterEach, describe, expect, it } from 'vitest';
import { startConsole, type Console } from '../support/console.js';

let t: Console;
afterEach(() => t?.close());

const alice = { by: 'alice', reason: 'looking into it' };
const incidents = (event: object) => t.handlers.incidents!(event as never) as Promise<Record<string, unknown>>;

describe('incidents handler: the operator workflow', () => {
  it('lists, acknowledges, reads and resolves an incident; each action is on the timeline and notified', async () => {
    t = await startConsole();
    await t.openIncident();
    expect(await incidents({ op: 'list' })).toEqual({
      count: 1,
      incidents: [{ id: 'api-health/1', state: 'open', severity: 'P3', summary: 'HTTP 503 (expected 200)', openedAt: '2026-11-23T03:01:00.000Z' }],
    });

    t.at(3);
    expect(await incidents({ op: 'ack', incident: 'api-health/1', ...alice })).toEqual({
      done: 'api-health/1 acknowledged by alice',
      incident: expect.objectContaining({ id: 'api-health/1', state: 'acknowledged', acknowledgedBy: 'alice' }),
      notified: 'yes, by the notify function',
    });
    expect((await incidents({ op: 'list', state: 'open' })).count).toBe(0);
    expect((await incidents({ op: 'list', state: 'acknowledged' })).count).toBe(1);

    t.at(20);
    await incidents({ op: 'resolve', incident: 'api-health/1', by: 'bob', reason: 'restarted the database' });
    expect(t.subjects().map((s) => s.slice(0, 16))).toEqual(['[P3][OPEN] api-h', '[P3][ACK] api-he', '[P3][RESOLVED] a']);
    expect(t.sent[2]!.body).toContain('bob resolved api-health.');
    expect(await incidents({ op: 'list' })).toEqual({ count: 0, incidents: [] });

    const detail = await incidents({ op: 'get', incident: 'api-health/1' });
    expect(detail.incident).toMatchObject({ state: 'resolved', resolvedBy: 'bob' });
    expect(detail.timeline).toEqual([
      '2026-11-23T03:01:00.000Z opened: HTTP 503 (expected 200)',
      expect.stringMatching(/^2026-11-23T03:01:00.000Z notified: \[P3\]\[OPEN\]/),
      '2026-11-23T03:03:00.000Z acknowledged by alice: HTTP 503 (expected 200) (looking into it)',
      expect.stringMatching(/notified: \[P3\]\[ACK\]/),
      '2026-11-23T03:20:00.000Z resolved by bob: HTTP 503 (expected 200) (restarted the database)',
      expect.stringMatching(/notified: \[P3\]\[RESOLVED\]/),
    ]);
    expect(await incidents({ op: 'get', incident: 'api-health/1', timeline: 2 })).toMatchObject({ olderEntries: 4 });
  });

  it('silences a check for a while: one notification says so, the failing rounds send nothing, the end is announced by the next failure', async () => {
    t = await startConsole();
    await t.openIncident();
    t.at(2);
    expect(await incidents({ op: 'silence', incident: 'api-health/1', for: '1h', by: 'alice', reason: 'database maintenance' })).toMatchObject({
      done: 'api-health silenced until 2026-11-23T04:02:00.000Z',
      incident: { silenced: 'until 2026-11-23T04:02:00.000Z' },
    });
    for (const minute of [20, 40, 61]) {
      t.at(minute);
      await t.handlers['run-checks']!({ checks: ['api-health'] } as never);
    }
    expect(t.subjects().map((s) => s.slice(0, 20))).toEqual(['[P3][OPEN] api-healt', '[P3][SILENCED] api-h']);
    t.at(63);
    await t.handlers['run-checks']!({ checks: ['api-health'] } as never);
    expect(t.subjects()).toHaveLength(3);
    expect(t.sent[2]!.body).toContain('silence ended while still failing');
  });

  it('silences a check before it fails, so its incident opens quietly; unsilence lifts it and tells the on-call', async () => {
    t = await startConsole();
    expect(await incidents({ op: 'silence', check: 'api-health', for: '2h', ...alice })).toEqual({
      done: 'api-health silenced until 2026-11-23T05:00:00.000Z; it has no active incident',
    });
    await t.openIncident();
    expect(t.subjects()).toEqual([]);
    t.at(5);
    expect(await incidents({ op: 'unsilence', check: 'api-health', by: 'alice', reason: 'maintenance over' })).toMatchObject({
      done: 'silence on api-health lifted',
      notified: 'yes, by the notify function',
    });
    expect(t.subjects()).toEqual([expect.stringMatching(/^\[P3\]\[UNSILENCED\] api-health/)]);
    expect(t.sent[0]!.body).toContain('alice lifted the silence on api-health: notifications resume.');
    expect(await t.store.listSilences()).toEqual([]);
  });

  it('resets an open circuit, noting it on the incident named', async () => {
    t = await startConsole({ restart: { mode: 'auto', circuitBreaker: { failures: 1 } } });
    t.setHealthy(false);
    await t.handlers['on-alarm']!(JSON.parse(JSON.stringify((await import('../support/alarm.js')).samples.metric)) as never);
    expect((await t.store.getGuard('ecs:prod/orders-api')).guard?.circuitOpenedAt).toBeDefined();
    const result = await incidents({
      op: 'reset-circuit',
      target: 'ecs:prod/orders-api',
      incident: 'alarm:orders-api-5xx-rate/1',
      by: 'bob',
      reason: 'memory leak fixed',
    });
    expect(result).toMatchObject({ done: 'circuit on ecs:prod/orders-api closed; automatic actions may run again', notified: 'yes, by the notify function' });
    expect((await t.store.getGuard('ecs:prod/orders-api')).guard?.circuitOpenedAt).toBeUndefined();
    expect(t.sent.at(-1)).toMatchObject({
      subject: expect.stringMatching(/^\[P1\]\[ACTION TAKEN\]/),
      body: expect.stringContaining('reset the circuit on ecs:prod/orders-api: memory leak fixed'),
    });
  });

  it.each([
    [{ op: 'ack', incident: 'api-health/7', ...alice }, 'no incident api-health/7; the latest for api-health is api-health/1'],
    [{ op: 'unsilence', check: 'api-health', ...alice }, 'api-health is not silenced by an operator; nothing to lift'],
    [
      { op: 'silence', check: 'no-such-check', ...alice },
      'unknown check "no-such-check"; use a check id from vigil.config.ts, or alarm:<alarm name> for an alarm\'s incidents',
    ],
    [{ op: 'reset-circuit', target: 'ecs:prod/payments', ...alice }, 'unknown target "ecs:prod/payments"; remediations act on: ecs:prod/orders-api'],
    [{ op: 'reset-circuit', target: 'ecs:prod/orders-api', ...alice }, 'no action has run on ecs:prod/orders-api; there is no circuit to reset'],
    [{ op: 'get', incident: 'api-health/9' }, 'no incident "api-health/9"; the latest for api-health is api-health/1'],
  ])('refuses %j, saying why, and changes nothing', async (event, error) => {
    t = await startConsole();
    await t.openIncident();
    const before = await t.items();
    const sent = t.sent.length;
    expect(await incidents(event)).toMatchObject({ error, example: expect.objectContaining({ op: event.op }) });
    expect(await t.items()).toEqual(before);
    expect(t.sent).toHaveLength(sent);
    expect(t.lines.at(-1)).toMatchObject({ level: 'error', message: `incidents ${event.op} refused: ${error}` });
  });

  it('refuses to act twice on a resolved incident', async () => {
    t = await startConsole();
    await t.openIncident();
    await incidents({ op: 'resolve', incident: 'api-health/1', ...alice });
    expect(await incidents({ op: 'resolve', incident: 'api-health/1', ...alice })).toMatchObject({
      error: expect.stringMatching(/^incident api-health\/1 is already resolved \(by alice at /),
    });
  });
});
