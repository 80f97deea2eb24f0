import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checksBeside } from '../../shared/config/checks-beside.js';
import { parseConfig } from '../../shared/config/load.js';
import { roundChecks } from '../../shared/config/round-checks.js';
import { planTicks } from '../../shared/config/schedule-plan.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import type { Status } from '../../shared/findings.js';
import { recordRound } from '../../shared/incidents/record-round.js';
import { silentLog } from '../../shared/log.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import { fixedClock } from '../support/checks.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

// A deployed run-checks function holds, for each bucket, only what its rounds read: the bucket's checks,
// the checks they depend on, and the rest of their groups. It must decide exactly as with every check.

const tcp = (id: string, extra: object = {}) => ({ id, kind: 'tcp', target: `${id}.internal:5432`, ...extra });
const config = parseConfig({
  checks: [
    tcp('db', { schedule: 'rate(5 minutes)' }),
    tcp('pool', { dependsOn: ['db'], schedule: 'rate(5 minutes)' }),
    ...Array.from({ length: 60 }, (_, i) => tcp(`api-${i}`, { ...(i % 2 ? { dependsOn: ['pool'] } : {}), tags: { service: 'orders' } })),
    ...Array.from({ length: 30 }, (_, i) => tcp(`web-${i}`, { tags: { service: 'shop' } })),
  ],
});

describe("a bucket's checks", () => {
  it('are its own, what they depend on all the way up, and the rest of their groups, in config order', () => {
    const ids = roundChecks(config.checks, ['api-1']).map((c) => c.id);
    expect(ids).toEqual(['db', 'pool', ...Array.from({ length: 60 }, (_, i) => `api-${i}`)]);
    expect(roundChecks(config.checks, ['web-3']).map((c) => c.id)).toEqual(Array.from({ length: 30 }, (_, i) => `web-${i}`));
  });

  it('decide every round of every bucket as every check would: the same transitions, round after round', async () => {
    const buckets = planTicks(config).flatMap((t) => t.buckets);
    // Two buckets of 50 and 42: api-50 and on, and every web check, depend on or group with checks of the first.
    expect(buckets.map((b) => b.checks.length)).toEqual([50, 42]);
    const failing: ((i: number, id: string) => Status)[] = [
      () => 'ok',
      (_, id) => (id === 'db' || id.startsWith('api-') ? 'fail' : 'ok'),
      (_, id) => (id === 'db' || id.startsWith('api-') ? 'fail' : 'ok'),
      (_, id) => (id.startsWith('api-') || id.startsWith('web-1') ? 'fail' : 'ok'),
      (_, id) => (id.startsWith('web-1') ? 'fail' : 'ok'),
      () => 'ok',
      () => 'ok',
    ];
    const run = async (configOf: (ids: string[]) => VigilConfig) => {
      const store = new MemoryStateStore();
      const seen: string[] = [];
      for (const [minute, statusOf] of failing.entries()) {
        for (const b of buckets) {
          const findings = b.checks.map((id, i) => finding(statusOf(i, id), minutesAfter(T0, minute), { checkId: id, target: `${id}.internal:5432` }));
          const round = await recordRound(findings, {
            config: configOf(b.checks),
            store,
            clock: fixedClock(minutesAfter(T0, minute)),
            log: silentLog,
            bucket: b.id,
          });
          seen.push(...round.transitions.map((t) => `${minute} ${JSON.stringify(t)}`));
        }
      }
      // And how each incident stands: told with its group's first, or held as caused by a check it depends on.
      const states = await store.getCheckStates(config.checks.map((c) => c.id));
      for (const [id, state] of states) seen.push(`${id} ${JSON.stringify(state.incident ?? null)}`);
      return seen;
    };
    const whole = await run(() => config);
    expect(whole.length).toBeGreaterThan(10);
    expect(await run((ids) => ({ ...config, checks: roundChecks(config.checks, ids) }))).toEqual(whole);
  });

  it('are read from the files beside the code: a bucket its own file, a run by hand or an unknown bucket every check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-beside-'));
    mkdirSync(join(dir, 'buckets'));
    mkdirSync(join(dir, 'checks'));
    const [bucket] = planTicks(config).flatMap((t) => t.buckets);
    writeFileSync(join(dir, 'buckets', `${bucket!.id}.json`), JSON.stringify(roundChecks(config.checks, bucket!.checks)));
    writeFileSync(join(dir, 'checks', 'all.json'), JSON.stringify(config.checks));
    const configFor = checksBeside({ ...config, checks: [] }, pathToFileURL(`${dir}/`));
    expect(configFor(bucket!.id).checks.map((c) => c.id)).toEqual(roundChecks(config.checks, bucket!.checks).map((c) => c.id));
    expect(configFor(undefined).checks).toHaveLength(config.checks.length);
    expect(configFor('b-0000000000000000').checks).toHaveLength(config.checks.length);
    expect(configFor('../../etc/passwd').checks).toHaveLength(config.checks.length);
  });
});
