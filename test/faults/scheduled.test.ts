import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { T0 } from '../support/findings.js';
import { FAULTS } from '../support/wire/faulty-handler.js';
import { ALERTS, deliverAlarm } from '../support/wire/vigil.js';
import { World } from '../support/wire/world.js';
import { faultGround } from '../support/wire/ground.js';

// A runbook on a schedule, with no incident to carry its message: each call site of its run under each fault, with
// Lambda's retries. One deployment at most, and whoever acted, somebody hears of it on the alerts topic.

const ground = faultGround();
const SITES = ['ecs DescribeServices', 'ecs UpdateService', 'dynamodb PutItem RUN', 'dynamodb PutItem GUARD', 'sns Publish'] as const;
const MODES = ['first', 'every', 'after-first'] as const;

const config = () =>
  parseConfig({
    checks: [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:${ground.api.port}/health` }],
    remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto' }],
    runbooks: [{ id: 'weekly-restart', match: { schedule: { expression: 'cron(0 3 ? * SUN *)' } }, steps: [{ act: 'orders-api-restart' }] }],
  });
const firing = { scheduledRunbook: 'weekly-restart', at: '2026-11-23T03:00:00Z' };

describe('a scheduled run under faults', () => {
  it.each(SITES.flatMap((site) => FAULTS.flatMap((fault) => MODES.map((mode) => [site, fault, mode] as const))))(
    '%s × %s (%s call)',
    async (site, fault, mode) => {
      const hits = (n: number) => (mode === 'every' ? true : mode === 'first' ? n === 1 : n > 1);
      const world = await World.create(ground.local, T0, (s, n) => (s === site && hits(n) ? fault : undefined));
      const delivered = await deliverAlarm(world, config(), firing);
      const deployments = world.ecs.applied.length;
      const told = world.sns.on(ALERTS).filter((m) => m.subject.startsWith('[ACTION TAKEN]') || m.subject.startsWith('[NEEDS A HUMAN]'));
      const broken: string[] = [];
      if (deployments > 1) broken.push(`${deployments} deployments for one firing`);
      // Told on the alerts topic, or, every attempt having failed, in the alarmed dead-letter queue.
      if (deployments === 1 && !told.length && !delivered.deadLettered) broken.push('a deployment nobody was told of');
      expect(broken).toEqual([]);
    },
  );

  it('acts once and tells it, without a fault', async () => {
    const world = await World.create(ground.local, T0);
    await deliverAlarm(world, config(), firing);
    expect(world.ecs.applied).toHaveLength(1);
    expect(world.sns.on(ALERTS).map((m) => m.subject)).toEqual([expect.stringMatching(/^\[ACTION TAKEN\] ecs:prod\/orders-api: /)]);
  });
});
