import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { MAX_CHECKS_PER_SCHEDULE } from '../../shared/config/limits.js';
import { planSchedules } from '../../shared/config/schedule-plan.js';

const tcp = (id: string, extra: object = {}) => ({ id, kind: 'tcp', target: `${id}.internal:5432`, ...extra });

describe('planSchedules', () => {
  it('runs checks that share a group and a rate in one schedule', () => {
    const plan = planSchedules(
      parseConfig({
        checks: [
          tcp('a', { group: 'db', schedule: 'rate(1 minute)' }),
          tcp('b', { group: 'db', schedule: 'rate(1 minute)' }),
          tcp('c', { group: 'db', schedule: 'rate(1 hour)' }),
          tcp('d', { schedule: 'rate(1 minute)' }),
        ],
      }),
    );
    expect(plan.map((s) => [s.expression, s.checks])).toEqual([
      ['rate(1 minute)', ['a', 'b']],
      ['rate(1 hour)', ['c']],
      ['rate(1 minute)', ['d']],
    ]);
    expect(new Set(plan.map((s) => s.name)).size).toBe(3);
  });

  it('gives checks in the VPC schedules of their own, aimed at the function placed there', () => {
    const network = { vpcId: 'vpc-0a1b2c3d', subnets: [{ id: 'subnet-0a1b', availabilityZone: 'eu-west-1a' }] };
    const plan = planSchedules(parseConfig({ network, checks: [tcp('edge', { group: 'g' }), tcp('db', { group: 'g', network: 'vpc' })] }));
    expect(plan.map((s) => [s.network, s.checks])).toEqual([
      ['public', ['edge']],
      ['vpc', ['db']],
    ]);
    expect(new Set(plan.map((s) => s.name)).size).toBe(2);
  });

  it('refuses a check in the VPC when the config names no VPC', () => {
    expect(() => parseConfig({ checks: [tcp('db', { network: 'vpc' })] })).toThrow(
      'checks[0].network: "vpc" needs the top-level network: { vpcId, subnets } to run in (check "db")',
    );
  });

  it('leaves disabled checks unscheduled', () => {
    const plan = planSchedules(parseConfig({ checks: [tcp('a'), tcp('b', { enabled: false })] }));
    expect(plan.flatMap((s) => s.checks)).toEqual(['a']);
  });

  it('splits a large group so no invocation runs more than its share', () => {
    const checks = Array.from({ length: 120 }, (_, i) => tcp(`db-${i}`, { group: 'fleet' }));
    const plan = planSchedules(parseConfig({ checks }));
    expect(plan.map((s) => s.checks.length)).toEqual([MAX_CHECKS_PER_SCHEDULE, MAX_CHECKS_PER_SCHEDULE, 20]);
    expect(plan.flatMap((s) => s.checks)).toEqual(checks.map((c) => c.id));
  });

  it('makes names Scheduler accepts, even from long ids', () => {
    const plan = planSchedules(parseConfig({ checks: [tcp('x'.repeat(63)), tcp('y'.repeat(63), { schedule: 'cron(0 3 ? * SUN *)' })] }));
    for (const { name } of plan) expect(name).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
  });
});
