import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bucketFiles } from '../../infra/bucket-files.js';
import { checksBeside, groupFile } from '../../shared/config/checks-beside.js';
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

/** Files as a deployed function has them beside its code. */
function filesIn(files: Record<string, string>): URL {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-beside-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  return pathToFileURL(`${dir}/`);
}

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
    // As deployed: each bucket's file, the rest of its groups by id.
    const configFor = checksBeside(
      { ...config, checks: [], whole: { count: config.checks.length } },
      filesIn(bucketFiles(config, planTicks(config))('public')),
    );
    const byBucket = new Map(buckets.map((b) => [b.checks.join(), b.id]));
    expect(await run((ids) => configFor(byBucket.get(ids.join())))).toEqual(whole);
  });

  it("ship a group's other checks as ids, so a bucket of a large group stays the size of its own checks", () => {
    const big = parseConfig({ checks: Array.from({ length: 5000 }, (_, i) => tcp(`node-${i}`, { group: 'fleet' })) });
    const files = bucketFiles(big, planTicks(big))('public');
    const bucketSizes = Object.entries(files)
      .filter(([file]) => file.startsWith('buckets/'))
      .map(([, content]) => (JSON.parse(content) as unknown[]).length);
    expect(bucketSizes).toHaveLength(100);
    expect(Math.max(...bucketSizes)).toBe(50);
    expect(JSON.parse(files[groupFile('fleet')]!)).toHaveLength(5000);
  });

  it('are read from the files beside the code: a bucket its own file, a run by hand or an unknown bucket every check', () => {
    const [bucket] = planTicks(config).flatMap((t) => t.buckets);
    const configFor = checksBeside({ ...config, checks: [] }, filesIn(bucketFiles(config, planTicks(config))('public')));
    // Its checks and the ones they depend on; the other checks of its groups by id, on demand.
    expect(configFor(bucket!.id).checks.map((c) => c.id)).toEqual(['db', 'pool', ...bucket!.checks.filter((id) => id !== 'db' && id !== 'pool')]);
    expect(configFor(bucket!.id).whole?.mates?.('orders')).toHaveLength(60);
    expect(configFor(undefined).checks).toHaveLength(config.checks.length);
    expect(configFor('b-0000000000000000').checks).toHaveLength(config.checks.length);
    expect(configFor('../../etc/passwd').checks).toHaveLength(config.checks.length);
  });
});
