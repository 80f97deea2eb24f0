import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { MAX_CHECKS_PER_INVOCATION } from '../../shared/config/limits.js';
import { planTicks, type PlannedTick } from '../../shared/config/schedule-plan.js';

const tcp = (id: string, extra: object = {}) => ({ id, kind: 'tcp', target: `${id}.internal:5432`, ...extra });
const buckets = (plan: PlannedTick[]) => plan.flatMap((t) => t.buckets.map((b) => [t.expression, b.checks]));

describe('planTicks', () => {
  it('gives each expression one schedule, and runs a group with its rate in one invocation', () => {
    const plan = planTicks(
      parseConfig({
        checks: [
          tcp('a', { group: 'db', schedule: 'rate(1 minute)' }),
          tcp('b', { group: 'db', schedule: 'rate(1 minute)' }),
          tcp('c', { group: 'db', schedule: 'rate(1 hour)' }),
          tcp('d', { schedule: 'rate(1 minute)' }),
        ],
      }),
    );
    expect(plan.map((t) => t.expression)).toEqual(['rate(1 minute)', 'rate(1 hour)']);
    expect(buckets(plan)).toEqual([
      ['rate(1 minute)', ['a', 'b']],
      ['rate(1 minute)', ['d']],
      ['rate(1 hour)', ['c']],
    ]);
  });

  it('packs checks without a group 50 to an invocation, however many there are', () => {
    const checks = Array.from({ length: 600 }, (_, i) => tcp(`c-${i}`));
    const plan = planTicks(parseConfig({ checks }));
    expect(plan).toHaveLength(1);
    expect(plan[0]!.buckets.map((b) => b.checks.length)).toEqual(Array(12).fill(MAX_CHECKS_PER_INVOCATION));
    expect(plan[0]!.buckets.flatMap((b) => b.checks)).toEqual(checks.map((c) => c.id));
  });

  it('never runs a group with checks outside it, and splits a large group so no invocation runs more than its share', () => {
    const checks = [...Array.from({ length: 120 }, (_, i) => tcp(`db-${i}`, { group: 'fleet' })), tcp('lonely')];
    const plan = planTicks(parseConfig({ checks }));
    expect(plan[0]!.buckets.map((b) => b.checks.length)).toEqual([MAX_CHECKS_PER_INVOCATION, MAX_CHECKS_PER_INVOCATION, 20, 1]);
    expect(plan[0]!.buckets.at(-1)!.checks).toEqual(['lonely']);
  });

  it('sends checks in the VPC to the function placed there, in buckets of their own', () => {
    const network = { vpcId: 'vpc-0a1b2c3d', subnets: [{ id: 'subnet-0a1b', availabilityZone: 'eu-west-1a' }] };
    const plan = planTicks(parseConfig({ network, checks: [tcp('edge', { group: 'g' }), tcp('db', { group: 'g', network: 'vpc' }), tcp('solo')] }));
    expect(plan).toHaveLength(1);
    expect(plan[0]!.buckets).toEqual([
      { id: expect.stringMatching(/^b-[0-9a-f]{16}$/), network: 'public', checks: ['edge'] },
      { id: expect.stringMatching(/^b-[0-9a-f]{16}$/), network: 'vpc', checks: ['db'] },
      { id: expect.stringMatching(/^b-[0-9a-f]{16}$/), network: 'public', checks: ['solo'] },
    ]);
  });

  it('names a bucket by what it holds: the same checks, the same id; other checks, another', () => {
    const ids = (config: object) => planTicks(parseConfig(config)).flatMap((t) => t.buckets.map((b) => b.id));
    const before = ids({ checks: [tcp('a'), tcp('b')] });
    expect(ids({ checks: [tcp('a'), tcp('b')] })).toEqual(before);
    expect(ids({ checks: [tcp('a'), tcp('b'), tcp('c')] })).not.toEqual(before);
  });

  it('refuses a check in the VPC when the config names no VPC', () => {
    expect(() => parseConfig({ checks: [tcp('db', { network: 'vpc' })] })).toThrow(
      'checks[0].network: "vpc" needs the top-level network: { vpcId, subnets } to run in (check "db")',
    );
  });

  it('leaves disabled checks unscheduled', () => {
    const plan = planTicks(parseConfig({ checks: [tcp('a'), tcp('b', { enabled: false })] }));
    expect(plan.flatMap((t) => t.buckets.flatMap((b) => b.checks))).toEqual(['a']);
  });

  it('names each tick as Scheduler accepts, readable and apart from any other expression', () => {
    const plan = planTicks(parseConfig({ checks: [tcp('x'), tcp('y', { schedule: 'cron(0 3 ? * SUN *)' }), tcp('z', { schedule: 'cron(0 3 ? * SUN* *)' })] }));
    for (const { name } of plan) expect(name).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
    expect(plan.map((t) => t.name)).toEqual([
      expect.stringMatching(/^rate-5-minutes-[0-9a-f]{8}$/),
      expect.stringMatching(/^cron-0-3-SUN-[0-9a-f]{8}$/),
      expect.any(String),
    ]);
    expect(new Set(plan.map((t) => t.name)).size).toBe(3);
  });
});
