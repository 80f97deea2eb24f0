import { describe, expect, it } from 'vitest';
import { createDispatchHandler } from '../../functions/dispatch/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import { planTicks, type PlannedBucket } from '../../shared/config/schedule-plan.js';
import { waves } from '../../shared/engine/dispatch.js';
import { silentLog } from '../../shared/log.js';

const checks = (n: number, extra: object = {}) => Array.from({ length: n }, (_, i) => ({ id: `c-${i}`, kind: 'tcp', target: `c-${i}.internal:1`, ...extra }));
const [tick] = planTicks(parseConfig({ checks: checks(5000, { schedule: 'rate(1 minute)' }) }));

function dispatcher(fail: (bucket: PlannedBucket) => boolean = () => false) {
  const sent: PlannedBucket[] = [];
  const slept: number[] = [];
  const handler = createDispatchHandler({
    tick: (name) => (name === tick!.name ? tick : undefined),
    send: async (bucket) => {
      if (fail(bucket)) throw new Error('Rate exceeded');
      sent.push(bucket);
    },
    sleep: async (ms) => void slept.push(ms),
    log: silentLog,
  });
  return { handler, sent, slept };
}

describe('the dispatch function', () => {
  it('starts run-checks once per bucket of its tick: every check once, 50 to an invocation', async () => {
    const { handler, sent } = dispatcher();
    expect(await handler({ tick: tick!.name })).toEqual({ tick: tick!.name, sent: 100, checks: 5000, failed: [] });
    expect(sent.flatMap((b) => b.checks)).toEqual(checks(5000).map((c) => c.id));
    expect(Math.max(...sent.map((b) => b.checks.length))).toBe(50);
  });

  it('sends a small tick at once and spreads a large one over about 20 seconds, so run-checks rises to a steady concurrency', async () => {
    expect(waves(Array(120)).map((w) => w.length)).toEqual([50, 50, 20]);
    expect(waves(Array(10))).toHaveLength(1);
    const large = waves(Array(2000));
    expect(large).toHaveLength(20);
    expect(large.every((w) => w.length === 100)).toBe(true);
    const { handler, slept } = dispatcher();
    await handler({ tick: tick!.name });
    // 100 buckets at 50 a second: two waves, one pause between them.
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(900);
  });

  it('still starts the other buckets when one cannot be started, then fails the invocation so the dead-letter queue and its alarm hear of it', async () => {
    const { handler, sent } = dispatcher((bucket) => bucket.checks[0] === 'c-50');
    await expect(handler({ tick: tick!.name })).rejects.toThrow(`1 of 100 run-checks invocations of ${tick!.name} could not be started: Rate exceeded`);
    expect(sent).toHaveLength(99);
  });

  it('fails on a tick this deployment does not have, and answers a malformed event with what it expects', async () => {
    const { handler, sent } = dispatcher();
    await expect(handler({ tick: 'rate-1-hour-00000000' })).rejects.toThrow('no tick named rate-1-hour-00000000 in this deployment (vigil plan lists them)');
    expect(await handler({ group: 'orders' })).toMatchObject({
      error: 'invalid dispatch event',
      problems: ['tick: required (string)', '(event): unknown key "group"; expected one of: tick'],
    });
    expect(sent).toEqual([]);
  });
});
