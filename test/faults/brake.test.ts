import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { alarm } from '../support/alarm.js';
import { T0 } from '../support/findings.js';
import type { Fault } from '../support/wire/faulty-handler.js';
import { ALERTS, deliverAlarm, drainStream, ESCALATIONS } from '../support/wire/vigil.js';
import { World } from '../support/wire/world.js';
import { faultGround } from '../support/wire/ground.js';

// The brake under faults, below the SDK's retries: a lost reply on its write never lets through an action
// it holds, never counts one twice, and never sends its page twice or not at all.

const ground = faultGround();

const config = (actionsPerHour: number) =>
  parseConfig({
    checks: [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:${ground.api.port}/health` }],
    brake: { actionsPerHour },
    remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto', cooldownMinutes: 0 }],
    runbooks: [
      {
        id: 'orders-api-5xx',
        match: { alarmNames: ['orders-api-5xx-rate'] },
        severity: 'P1',
        steps: [{ act: 'orders-api-restart' }, { escalate: 'restart did not help' }],
      },
    ],
  });

const lostAlways = (site: string) => (s: string) => (s === site ? ('lost' as Fault) : undefined);
const verdictOf = (out: Awaited<ReturnType<typeof deliverAlarm>>) => {
  const last = out.ends.at(-1)!;
  return last.ended === 'returned'
    ? (last.value as RunbookResult).steps.map((s) => `${s.step}: ${s.outcome}`)
    : [`ended: ${last.ended} ${String((last as { error?: unknown }).error ?? JSON.stringify(last))}`];
};

describe('the brake under faults', () => {
  it('counts an action once when the reply to its budget write is lost', async () => {
    const cfg = config(5);
    const world = await World.create(ground.local, T0, lostAlways('dynamodb PutItem CONTROL'));
    await deliverAlarm(world, cfg, alarm('first'));
    expect(world.ecs.applied).toHaveLength(1);
    const brake = await new DynamoStateStore(ground.local.doc, world.table).getBrake();
    expect(brake?.actions.map((a) => a.eventId)).toEqual(['first']);
  });

  it('holds the action past the budget when the reply to the write that engages it is lost, and pages once', async () => {
    const cfg = config(1);
    const world = await World.create(ground.local, T0);
    await deliverAlarm(world, cfg, alarm('first'));
    world.pick = lostAlways('dynamodb PutItem CONTROL');
    world.advance(60_000);
    const second = await deliverAlarm(world, cfg, alarm('second'));
    expect(world.ecs.applied).toHaveLength(1);
    expect(verdictOf(second)[0]).toBe('act orders-api-restart: proposed');

    await drainStream(world, cfg);
    const brakePages = world.sns.on(ESCALATIONS).filter((m) => m.subject.startsWith('[VIGIL BRAKE]'));
    expect(brakePages.map((m) => m.subject)).toEqual(['[VIGIL BRAKE] automatic actions held: 1 automatic actions in the last hour (budget 1)']);
    expect(brakePages[0]!.message).toMatch(
      /Held so far \(1\):\n {2}- \S+ orders-api-restart on ecs:prod\/orders-api: would force a new deployment of prod\/orders-api/,
    );
    expect(world.sns.on(ALERTS).some((m) => m.subject.includes('[APPROVAL NEEDED]'))).toBe(true);
  }, 60_000);

  it('holds every alarm that comes while it is on, and sends its page once however many arrive at once', async () => {
    const cfg = config(1);
    const world = await World.create(ground.local, T0);
    await deliverAlarm(world, cfg, alarm('first'));
    world.advance(60_000);
    await Promise.all(Array.from({ length: 10 }, (_, i) => deliverAlarm(world, cfg, alarm(`burst-${i}`))));
    expect(world.ecs.applied).toHaveLength(1);
    await drainStream(world, cfg);
    await drainStream(world, cfg);
    expect(world.sns.published.filter((m) => m.subject.startsWith('[VIGIL BRAKE]'))).toHaveLength(1);
  }, 60_000);
});
