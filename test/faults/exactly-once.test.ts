import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { alarm, samples } from '../support/alarm.js';
import { T0 } from '../support/findings.js';
import { recordingLog } from '../support/log.js';
import type { Fault } from '../support/wire/faulty-handler.js';
import { deliverAlarm, drainStream, ESCALATIONS } from '../support/wire/vigil.js';
import { World } from '../support/wire/world.js';
import { faultGround } from '../support/wire/ground.js';

// The seven failures an independent test found under real faults, each as it was measured.
const ground = faultGround();

const config = (guardrails: { cooldownMinutes?: number } = {}) =>
  parseConfig({
    checks: [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:${ground.api.port}/health` }],
    remediations: [
      {
        id: 'orders-api-restart',
        kind: 'ecs-restart',
        target: 'prod/orders-api',
        mode: 'auto',
        cooldownMinutes: 0,
        maxActions: { count: 3, windowMinutes: 60 },
        circuitBreaker: { failures: 3 },
        ...guardrails,
      },
    ],
    runbooks: [
      {
        id: 'orders-api-5xx',
        match: { alarmNames: ['orders-api-5xx-rate'] },
        severity: 'P1',
        steps: [
          { act: 'orders-api-restart' },
          { verify: { check: 'api-health', settleSeconds: 60, attempts: 2, intervalSeconds: 10 } },
          { escalate: 'restart did not bring /health back' },
        ],
      },
    ],
  });

const at =
  (fault: Fault, site: string, which: (n: number) => boolean = (n) => n === 1) =>
  (s: string, n: number) =>
    s === site && which(n) ? fault : undefined;
const result = (out: Awaited<ReturnType<typeof deliverAlarm>>) => {
  const last = out.ends.at(-1)!;
  return last.ended === 'returned' ? (last.value as RunbookResult & { replay?: unknown }) : undefined;
};
const escalations = (world: World) => world.sns.on(ESCALATIONS).filter((m) => m.subject.includes('[ESCALATED]'));

describe('1. a lost reply to UpdateService', () => {
  it.each([
    ['on the first call', (n: number) => n === 1],
    ['on every call', () => true],
  ])('deploys once (%s), and records the action as taken, read back from the service', async (_, which) => {
    const cfg = config();
    const world = await World.create(ground.local, T0, at('lost', 'ecs UpdateService', which));
    const out = await deliverAlarm(world, cfg, samples.metric);
    expect(world.ecs.applied).toHaveLength(1);
    expect(result(out)?.steps[0]).toMatchObject({
      step: 'act orders-api-restart',
      outcome: 'acted',
      detail: expect.stringMatching(/^the reply was lost \(socket hang up\); reading the target shows it was applied: new deployment ecs-svc\/0002/),
    });
  });
});

describe('2. a lost reply to the first write of the event', () => {
  it('still handles the alarm: one action, verified, escalated', async () => {
    const cfg = config();
    let puts = 0;
    const world = await World.create(ground.local, T0, (site) => (site.startsWith('dynamodb PutItem') && ++puts === 1 ? 'lost' : undefined));
    const out = await deliverAlarm(world, cfg, samples.metric);
    expect(out.deadLettered).toBe(false);
    expect(world.ecs.applied).toHaveLength(1);
    await drainStream(world, cfg);
    expect(escalations(world)).toHaveLength(1);
  });

  it('survives a DynamoDB outage that starts at any call and heals within a minute', async () => {
    const cfg = config();
    const clean = await World.create(ground.local, T0);
    let total = 0;
    clean.pick = (site) => void (site.startsWith('dynamodb') && total++);
    await deliverAlarm(clean, cfg, samples.metric);
    expect(total).toBeGreaterThan(5);

    const broken: string[] = [];
    for (let start = 1; start <= total; start++) {
      let calls = 0;
      const world = await World.create(ground.local, T0);
      const healsAt = T0.getTime() + 50_000;
      world.pick = (site) => (site.startsWith('dynamodb') && ++calls >= start && world.now.getTime() < healsAt ? 'server' : undefined);
      const out = await deliverAlarm(world, cfg, samples.metric);
      await drainStream(world, cfg);
      const told = escalations(world).length + world.sns.on(ESCALATIONS).filter((m) => m.subject.includes('[VIGIL')).length;
      if (out.deadLettered || world.ecs.applied.length !== 1 || told === 0)
        broken.push(
          `outage from call ${start}: ${world.ecs.applied.length} deployments, ${told} escalations, ${out.deadLettered ? 'dead-lettered' : 'handled'}`,
        );
    }
    expect(broken).toEqual([]);
  }, 120_000);
});

describe('3. a lost reply to the lease write', () => {
  it('acts once, and the action on record is one that happened', async () => {
    const cfg = config();
    const world = await World.create(ground.local, T0, at('lost', 'dynamodb PutItem GUARD'));
    const out = await deliverAlarm(world, cfg, samples.metric);
    expect(world.ecs.applied).toHaveLength(1);
    expect(result(out)?.steps[0]).toMatchObject({ outcome: 'acted' });
    const { guard } = await new DynamoStateStore(ground.local.doc, world.table).getGuard('ecs:prod/orders-api');
    expect(guard?.actions).toHaveLength(1);
    expect(guard?.actions[0]).toMatchObject({ eventId: samples.metric.id, outcome: 'not-verified' });
  });
});

describe('4. a failed DynamoDB call after the action', () => {
  it('resumes the runbook where it stopped: verify runs and the on-call is escalated', async () => {
    const cfg = config();
    // Every SDK attempt to record the action's outcome fails, twice over (the claim was the first write).
    const world = await World.create(
      ground.local,
      T0,
      at('server', 'dynamodb PutItem GUARD', (n) => n >= 2 && n <= 7),
    );
    const out = await deliverAlarm(world, cfg, samples.metric);
    expect(world.ecs.applied).toHaveLength(1);
    expect(result(out)?.steps.map((s) => `${s.step}: ${s.outcome}`)).toEqual([
      'act orders-api-restart: acted',
      'verify api-health: failed',
      'escalate: escalated',
    ]);
    await drainStream(world, cfg);
    expect(escalations(world)).toHaveLength(1);
  });
});

describe('5. escalation storms', () => {
  it('escalates an incident once, however many alarm events arrive for it', async () => {
    const cfg = config({ cooldownMinutes: 15 });
    const world = await World.create(ground.local, T0);
    const outs = await Promise.all(Array.from({ length: 100 }, (_, i) => deliverAlarm(world, cfg, alarm(`burst-${i}`))));
    expect(outs.filter((o) => o.ends.length > 1 || o.deadLettered)).toEqual([]);
    expect(world.ecs.applied).toHaveLength(1);
    await drainStream(world, cfg);
    expect(escalations(world)).toHaveLength(1);
  }, 60_000);

  it('holds a flapping alarm to its action budget, and escalates the budget once', async () => {
    const cfg = config();
    const world = await World.create(ground.local, T0);
    for (let i = 0; i < 200; i++) {
      // Verification's pauses move the clock on; the next change comes 18 s later, never earlier.
      world.now = new Date(Math.max(world.now.getTime(), T0.getTime() + i * 18_000));
      await deliverAlarm(world, cfg, alarm(`flap-${i}`, i % 2 ? 'OK' : 'ALARM', { previousState: { value: i % 2 ? 'ALARM' : 'OK' } }));
    }
    expect(world.ecs.applied).toHaveLength(3);
    await drainStream(world, cfg);
    // One for each action that did not help, one when the circuit first held the target back.
    expect(escalations(world)).toHaveLength(4);
  }, 60_000);
});

describe('6. notifications', () => {
  const opened = async (cfg: ReturnType<typeof config>, world: World) => {
    await deliverAlarm(world, cfg, samples.metric);
    return world.stream.length;
  };

  it('sends a transition twice at most when the reply to Publish is lost, both copies with one deduplication key', async () => {
    const cfg = config();
    const world = await World.create(ground.local, T0);
    await opened(cfg, world);
    world.pick = at('lost', 'sns Publish');
    const { deadLettered } = await drainStream(world, cfg);
    expect(deadLettered).toEqual([]);
    const keys = world.sns.published.map((m) => m.attributes.dedupKey);
    const copies = keys.filter((k) => k === keys[0]);
    expect(copies).toHaveLength(2);
    expect(world.sns.published[0]!.message).toContain(`Deduplication key: ${keys[0]}`);
    expect(new Set(keys).size).toBe(keys.length - 1);
  });

  it('still sends when the open-incident count for the dashboard keeps failing', async () => {
    const cfg = config();
    const world = await World.create(ground.local, T0);
    await opened(cfg, world);
    world.pick = (site) => (site === 'dynamodb Query' ? 'server' : undefined);
    const { deadLettered } = await drainStream(world, cfg);
    expect(deadLettered).toEqual([]);
    expect(world.sns.published.map((m) => m.subject.slice(0, 14))).toEqual(['[P1][OPEN] ala', '[P1][ACTION TA', '[P1][ESCALATED']);
  });
});

describe('7. a replayed event', () => {
  it('says it is a replay and what the first delivery did, and does nothing again', async () => {
    const cfg = config();
    const world = await World.create(ground.local, T0);
    const first = result(await deliverAlarm(world, cfg, samples.metric));
    const log = recordingLog();
    const again = result(await deliverAlarm(world, cfg, samples.metric, log.log));
    expect(world.ecs.applied).toHaveLength(1);
    expect(again).toMatchObject({ replay: { of: samples.metric.id, firstVerdict: first?.verdict, at: expect.any(String) } });
    expect(log.lines.filter((l) => l.level !== 'debug').map((l) => l.message)).toEqual([
      expect.stringMatching(/^replay: orders-api-5xx-rate ALARM was handled at .*: escalated; nothing done again$/),
    ]);
  });
});

describe('the path to acting', () => {
  it('reaches UpdateService after 5 DynamoDB round trips (run, guard and incident read, incident, brake, lease); the stored silences and the timeline line go alongside', async () => {
    const sites: string[] = [];
    const world = await World.create(ground.local, T0, (site) => void sites.push(site));
    await deliverAlarm(world, config(), samples.metric);
    const before = sites.slice(0, sites.indexOf('ecs UpdateService'));
    // The silences' Query is sent before the read it goes with is, and nothing waits for it before that read.
    // The brake is off: the action asks its budget, with no count.
    expect(before.filter((s) => s.startsWith('dynamodb') || s === 'ecs DescribeServices')).toEqual([
      'dynamodb PutItem RUN',
      'dynamodb Query',
      'dynamodb BatchGetItem',
      'dynamodb PutItem CHECK',
      'ecs DescribeServices',
      'dynamodb PutItem CONTROL',
      'dynamodb PutItem GUARD',
      'dynamodb PutItem INCIDENT',
    ]);
  });
});
