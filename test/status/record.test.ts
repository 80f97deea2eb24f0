import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import type { Incident, Transition } from '../../shared/state/check-state.js';
import type { StatusRecord } from '../../shared/state/status.js';
import { componentsOf } from '../../shared/status/components.js';
import { buildPage, overall } from '../../shared/status/page.js';
import { emptyRecord, recordTransition } from '../../shared/status/record.js';
import { summaryJson } from '../../shared/status/summary-json.js';

// The page's record, transition by transition, and the page drawn from it: pure, on a fixed clock.

const config = parseConfig({
  checks: [
    { id: 'orders-health', kind: 'http', target: 'https://orders.example.com/health', severity: 'P1', tags: { service: 'orders' } },
    { id: 'orders-db', kind: 'tcp', target: 'orders-db.internal:5432', severity: 'P2', tags: { service: 'orders' } },
    { id: 'search-health', kind: 'http', target: 'https://search.example.com/health', severity: 'P3', tags: { service: 'search' } },
  ],
});
const components = componentsOf(config);

const incident = (checkId: string, over: Partial<Incident> = {}): Incident => ({
  id: `${checkId}/1`,
  checkId,
  target: 'x',
  severity: config.checks.find((c) => c.id === checkId)!.severity,
  state: 'open',
  silenced: false,
  openedAt: '2026-12-03T23:30:00.000Z',
  failingSince: '2026-12-03T23:29:00.000Z',
  summary: 'HTTP 503',
  observed: {},
  failuresAtOpen: 2,
  notificationsSent: 1,
  ...over,
});
const t = (kind: Transition['kind'], seq: number, at: string, over: Partial<Transition> = {}): Transition => ({
  seq,
  kind,
  incidentId: 'x',
  at,
  by: 'vigil',
  ...over,
});

function play(steps: [Incident, Transition][], from: StatusRecord = emptyRecord()): StatusRecord {
  return steps.reduce((record, [i, tr]) => recordTransition(record, components, i, tr) ?? record, from);
}

describe('the status record', () => {
  it('defaults to one component per service tag', () => {
    expect(components.map((c) => [c.id, c.checkIds])).toEqual([
      ['orders', ['orders-health', 'orders-db']],
      ['search', ['search-health']],
    ]);
  });

  it('lists an outage with updates in words, and splits its down time across the days it spans', () => {
    const open = incident('orders-health');
    const record = play([
      [open, t('opened', 1, open.openedAt)],
      [{ ...open, state: 'acknowledged' }, t('acknowledged', 2, '2026-12-03T23:40:00.000Z', { by: 'alice' })],
      [
        { ...open, state: 'acknowledged' },
        t('updated', 3, '2026-12-03T23:50:00.000Z', { by: 'alice', reason: 'Rolled back the release.', update: { public: true } }),
      ],
      [{ ...open, state: 'acknowledged' }, t('updated', 4, '2026-12-03T23:55:00.000Z', { reason: 'still open after 25 minutes' })],
      [{ ...open, state: 'resolved' }, t('resolved', 5, '2026-12-04T00:30:00.000Z')],
    ]);
    expect(record.incidents).toHaveLength(1);
    expect(record.incidents[0]).toMatchObject({ name: 'Major outage: orders', status: 'resolved', impact: 'critical', resolvedAt: '2026-12-04T00:30:00.000Z' });
    expect(record.incidents[0]!.updates.map((u) => `${u.status}: ${u.body}`)).toEqual([
      'resolved: This incident has been resolved; orders is operating normally.',
      'identified: Rolled back the release.',
      'identified: An engineer is working on it.',
      'investigating: We are investigating a problem affecting orders.',
    ]);
    expect(record.days.orders).toEqual({
      '2026-12-03': { worst: 'major_outage', downMinutes: 30 },
      '2026-12-04': { worst: 'major_outage', downMinutes: 30 },
    });
    expect(record.active).toEqual({});
  });

  it('applies a transition delivered again once', () => {
    const open = incident('orders-db');
    const once = play([[open, t('opened', 1, open.openedAt)]]);
    expect(recordTransition(once, components, open, t('opened', 1, open.openedAt))).toBeUndefined();
  });

  it('counts a partial outage as 30% down, and a slow component as up', () => {
    const db = incident('orders-db');
    const search = incident('search-health', { id: 'search-health/1' });
    const record = play([
      [db, t('opened', 1, '2026-12-04T10:00:00.000Z')],
      [{ ...db, state: 'resolved' }, t('resolved', 2, '2026-12-04T11:40:00.000Z')],
      [search, t('opened', 1, '2026-12-04T10:00:00.000Z')],
      [{ ...search, state: 'resolved' }, t('resolved', 2, '2026-12-04T12:00:00.000Z')],
    ]);
    // Opened at 23:30 the day before by the fixture: the down time runs from its opening.
    expect(record.days.orders!['2026-12-04']!.worst).toBe('partial_outage');
    expect(record.days.search).toEqual({
      '2026-12-03': { worst: 'degraded_performance', downMinutes: 0 },
      '2026-12-04': { worst: 'degraded_performance', downMinutes: 0 },
    });
  });

  it('lets one caused by another darken its component without listing it, and leaves a silenced one off the page', () => {
    const caused = incident('orders-health', { causedBy: 'orders-db', silenced: true });
    const silenced = incident('search-health', { id: 'search-health/1', silenced: true, silenceReason: 'deploying' });
    const record = play([
      [caused, t('opened', 1, caused.openedAt)],
      [silenced, t('opened', 1, silenced.openedAt)],
    ]);
    expect(record.incidents).toEqual([]);
    expect(Object.keys(record.active)).toEqual(['orders-health/1']);
  });

  it('draws the page: each component from what affects it, the overall status, 90 days, and the uptime', () => {
    const open = incident('orders-health', { openedAt: '2026-12-04T11:00:00.000Z' });
    const record = play([[open, t('opened', 1, open.openedAt)]]);
    const page = buildPage(config, components, record, new Date('2026-12-04T12:00:00.000Z'));
    expect(page.components.map((c) => [c.id, c.status, c.history.length, c.history.at(-1)?.date])).toEqual([
      ['orders', 'major_outage', 90, '2026-12-04'],
      ['search', 'operational', 90, '2026-12-04'],
    ]);
    // An hour down so far, out of 90 days.
    expect(page.components[0]!.uptimePercent).toBe(99.95);
    expect([page.indicator, page.description]).toEqual(['major', 'Partial System Outage']);
    const summary = summaryJson(page) as { status: unknown; components: { status: string }[]; incidents: { impact: string }[] };
    expect(Object.keys(summary)).toEqual(['page', 'status', 'components', 'incidents', 'scheduled_maintenances']);
    expect(summary.incidents.map((i) => i.impact)).toEqual(['critical']);
  });

  it('announces a weekly maintenance window ahead, and shows it in progress while it holds, on the components of its checks', () => {
    const planned = parseConfig({
      checks: config.checks.map(({ id, kind, target, severity, tags }) => ({ id, kind, target, severity, tags }) as never),
      silences: [
        {
          id: 'db-window',
          reason: 'Weekly database maintenance',
          tags: { service: 'orders' },
          weekly: { days: ['SUN'], start: '23:00', end: '01:00' },
          maintenance: true,
        },
      ],
    });
    const parts = componentsOf(planned);
    // 2026-12-04 is a Friday: the next window opens on Sunday at 23:00 and runs past midnight.
    const ahead = buildPage(planned, parts, emptyRecord(), new Date('2026-12-04T12:00:00.000Z'));
    expect(ahead.maintenances).toEqual([
      {
        id: 'db-window',
        name: 'Weekly database maintenance',
        status: 'scheduled',
        from: '2026-12-06T23:00:00.000Z',
        until: '2026-12-07T01:00:00.000Z',
        components: ['orders'],
      },
    ]);
    const during = buildPage(planned, parts, emptyRecord(), new Date('2026-12-06T23:30:00.000Z'));
    expect(during.maintenances.map((m) => m.status)).toEqual(['in_progress']);
    expect(during.components.map((c) => c.status)).toEqual(['under_maintenance', 'operational']);
  });

  it.each([
    [['operational', 'operational'], 'none', 'All Systems Operational'],
    [['operational', 'degraded_performance'], 'minor', 'Minor Service Outage'],
    [['partial_outage', 'operational'], 'minor', 'Minor Service Outage'],
    [['major_outage', 'operational'], 'major', 'Partial System Outage'],
    [['major_outage', 'major_outage'], 'critical', 'Major Service Outage'],
    [['under_maintenance', 'operational'], 'none', 'Service Under Maintenance'],
  ] as const)('reads %j as %s (%s)', (statuses, indicator, description) => {
    expect(overall(statuses)).toEqual({ indicator, description });
  });
});

describe('the status page files', () => {
  it('mask every secret the process knows, in the page, the JSON and the feed alike, whatever sink holds them', async () => {
    const { knownSecrets } = await import('../../shared/secrets/mask.js');
    const { statusFiles } = await import('../../shared/status/publish.js');
    const secret = 'St4tusP4ge-Sentinel-9f1c';
    knownSecrets.add(secret);
    const open = incident('orders-health', { openedAt: '2026-12-04T11:00:00.000Z' });
    const said = `Rotated the key ${secret} and redeployed`;
    const record = play([
      [open, t('opened', 1, open.openedAt)],
      [open, t('updated', 2, '2026-12-04T11:10:00.000Z', { by: 'alice', reason: said, update: { public: true } })],
    ]);
    const files = statusFiles(buildPage(config, components, record, new Date('2026-12-04T11:20:00.000Z')));
    expect(files.map((f) => f.path)).toEqual(['index.html', 'summary.json', 'feed.atom']);
    for (const file of files) {
      expect(file.body, file.path).not.toContain(secret);
      expect(file.body, file.path).toContain('Rotated the key ***');
    }
  });
});
