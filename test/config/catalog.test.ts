import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createIncidentsHandler } from '../../functions/incidents/handler.js';
import { createNotifyHandler } from '../../functions/notify/handler.js';
import { withLocalStream } from '../../app/local/stream.js';
import { catalogFiles } from '../../infra/check-catalog.js';
import { catalogIn, configAround } from '../../shared/config/catalog.js';
import { parseConfig } from '../../shared/config/load.js';
import { roundChecks } from '../../shared/config/round-checks.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import type { Status } from '../../shared/findings.js';
import { recordRound } from '../../shared/incidents/record-round.js';
import { silentLog } from '../../shared/log.js';
import type { StatusFile } from '../../shared/status/publish.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import { fixedClock } from '../support/checks.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

// notify and incidents, deployed, hold no check in their code: they look up the ones an event is about in files
// beside it. They must decide exactly as with every check.

const tcp = (id: string, extra: object = {}) => ({ id, kind: 'tcp', target: `${id}.internal:5432`, ...extra });
const config = parseConfig({
  // One state write at a time: the stream's order is the round's, whatever notify does with each record.
  defaults: { concurrency: 1 },
  checks: [
    tcp('db', { tags: { tier: 'data' } }),
    tcp('pool', { dependsOn: ['db'], tags: { tier: 'data' } }),
    // Packs of 100: the checks that depend on pool are in another pack than pool.
    ...Array.from({ length: 150 }, (_, i) => tcp(`web-${i}`, i < 30 ? { tags: { service: 'shop' } } : {})),
    ...Array.from({ length: 60 }, (_, i) => tcp(`api-${i}`, { ...(i % 2 ? { dependsOn: ['pool'] } : {}), tags: { service: 'orders' } })),
  ],
  silences: [
    { id: 'db-upgrade', reason: 'database upgrade', tags: { tier: 'data' }, from: '2026-11-30T02:00:00Z', until: '2026-11-30T04:00:00Z', maintenance: true },
  ],
  statusPage: {
    components: [
      { id: 'orders', name: 'Orders', tags: { service: 'orders' } },
      { id: 'data', name: 'Data', checks: ['pool', 'db'] },
    ],
  },
});

function catalogOf(of: VigilConfig) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-catalog-'));
  for (const [file, content] of Object.entries(catalogFiles(of))) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  const catalog = catalogIn(pathToFileURL(`${dir}/`));
  const first = of.checks[0]?.id;
  return { catalog, configFor: configAround({ ...of, checks: [], whole: { count: of.checks.length, ...(first ? { first } : {}) } }, catalog) };
}

describe('the check catalog', () => {
  const { catalog, configFor } = catalogOf(config);
  const ids = (checks: readonly { id: string }[]) => checks.map((c) => c.id);

  it('finds, for each check, what a decision about it reads, in config order: its group, what it depends on, what depends on it', () => {
    const order = ids(config.checks);
    for (const check of config.checks) {
      const found = ids(catalog.around([check.id]));
      const dependents = config.checks.filter((c) => c.dependsOn?.includes(check.id)).map((c) => c.id);
      expect(found).toEqual(expect.arrayContaining([...ids(roundChecks(config.checks, [check.id])), ...dependents]));
      expect(found).toEqual(order.filter((id) => found.includes(id)));
    }
    // A check alone is read with the pack it is in, not with every check.
    expect(catalog.around(['web-200']).length).toBeLessThanOrEqual(100);
    expect(catalog.around(['no-such-check'])).toEqual([]);
    expect(catalog.all()).toEqual(config.checks);
  });

  it('knows how many checks there are in all, and the first, for the brake and the examples', () => {
    const narrowed = configFor(['web-3']);
    expect(narrowed.whole?.count).toBe(config.checks.length);
    expect(narrowed.whole?.first).toBe('db');
    expect(narrowed.whole?.status?.().components.map((c) => [c.id, c.checkIds.length])).toEqual([
      ['orders', 60],
      ['data', 2],
    ]);
    expect(narrowed.whole?.status?.().maintenance).toEqual({ 'db-upgrade': ['data'] });
  });

  it('gives notify the same messages and status page as every check would, round after round', async () => {
    const rounds: ((id: string) => Status)[] = [
      () => 'ok',
      (id) => (id === 'pool' || id.startsWith('api-') ? 'fail' : 'ok'),
      (id) => (id === 'pool' || id.startsWith('api-') ? 'fail' : 'ok'),
      (id) => (id === 'db' || id === 'pool' || id.startsWith('api-') ? 'fail' : 'ok'),
      (id) => (id.startsWith('api-') || id.startsWith('web-1') ? 'fail' : 'ok'),
      (id) => (id.startsWith('web-1') ? 'fail' : 'ok'),
      () => 'ok',
      () => 'ok',
    ];
    const run = async (narrowed: boolean) => {
      const told: string[] = [];
      const store = new MemoryStateStore();
      const notify = createNotifyHandler({
        config,
        ...(narrowed ? { configFor } : {}),
        store,
        publisher: { publish: async (topic, n) => (told.push(`${topic} ${n.subject}\n${n.body}\n${JSON.stringify(n.attributes)}`), { messageId: 'm' }) },
        log: silentLog,
        topics: { main: 'alerts', stakeholders: 'stakeholders' },
        incidentsFunction: 'vigil-incidents',
        statusPage: { write: async (files: readonly StatusFile[]) => void told.push(...files.filter((f) => f.path === 'summary.json').map((f) => f.body)) },
      });
      const streamed = withLocalStream(store, notify, () => told.push('undelivered'));
      for (const [minute, statusOf] of rounds.entries()) {
        const at = minutesAfter(T0, minute);
        const findings = config.checks.map((c) => finding(statusOf(c.id), at, { checkId: c.id, target: c.target }));
        await recordRound(findings, { config, store: streamed, clock: fixedClock(at), log: silentLog });
      }
      return told;
    };
    const whole = await run(false);
    // The run tells of dependents failing with their parent, of incidents told with their group's lead, and draws the page.
    expect(whole.join('\n')).toMatch(/depend/i);
    expect(whole.filter((t) => t.startsWith('alerts ')).length).toBeGreaterThan(3);
    expect(whole.some((t) => t.includes('"Orders"'))).toBe(true);
    expect(await run(true)).toEqual(whole);
  });

  it('gives incidents the same answers as every check would: an acknowledgement of a group, silences by check and by tags', async () => {
    const run = async (narrowed: boolean) => {
      const store = new MemoryStateStore();
      const at = minutesAfter(T0, 1);
      for (const minute of [0, 1]) {
        const findings = config.checks.map((c) =>
          finding(c.id.startsWith('api-') ? 'fail' : 'ok', minutesAfter(T0, minute), { checkId: c.id, target: c.target }),
        );
        await recordRound(findings, { config, store, clock: fixedClock(minutesAfter(T0, minute)), log: silentLog });
      }
      const operate = createIncidentsHandler({ config, ...(narrowed ? { configFor } : {}), store, clock: fixedClock(at), log: silentLog });
      const who = { by: 'alice', reason: 'looking' };
      return [
        await operate({ op: 'ack', incident: 'api-0/1', ...who }),
        await operate({ op: 'silence', check: 'pool', for: '1h', ...who }),
        await operate({ op: 'silence', check: 'no-such-check', for: '1h', ...who }),
        await operate({ op: 'silence', tags: { service: 'shop' }, for: '1h', ...who }),
        await operate({ op: 'unsilence', check: 'pool', ...who }),
        await operate({ op: 'ack', incident: 'nope' }),
      ];
    };
    const whole = await run(false);
    expect(JSON.stringify(whole)).toMatch(/told with it/);
    expect(await run(true)).toEqual(whole);
  });
});
