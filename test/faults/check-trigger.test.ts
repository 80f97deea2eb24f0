import { beforeAll, describe, expect, it } from 'vitest';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import { silentLog } from '../../shared/log.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { T0 } from '../support/findings.js';
import type { Fault } from '../support/wire/faulty-handler.js';
import { deliverCheckRecord, ESCALATIONS } from '../support/wire/vigil.js';
import { World } from '../support/wire/world.js';
import { faultGround } from '../support/wire/ground.js';

// A runbook a check's incident starts, under the faults of the exactly-once matrix: each fault at each
// call site of the run, on its first call, with the stream's redelivery in the model. One deployment.
const ground = faultGround();

const configFor = (port: number) =>
  parseConfig({
    checks: [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:${port}/health`, severity: 'P1', incident: { failureThreshold: 1 } }],
    remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto', cooldownMinutes: 0 }],
    runbooks: [
      {
        id: 'api-down',
        match: { checks: { ids: ['api-health'] } },
        severity: 'P1',
        steps: [
          { act: 'orders-api-restart' },
          { verify: { settleSeconds: 60, attempts: 2, intervalSeconds: 10 } },
          { escalate: 'restart did not bring /health back' },
        ],
      },
    ],
  });

let config: ReturnType<typeof configFor>;
beforeAll(() => void (config = configFor(ground.api.port)));

/** The round that opens the incident, with no fault; its check-state write is the record the stream carries. */
async function opened(world: World) {
  const attempt = world.coldStart();
  await createRunChecksHandler({ config, log: silentLog, clock: world.clock, store: new DynamoStateStore(attempt.doc, world.table) })({
    checks: ['api-health'],
  });
  attempt.kill();
  return world.stream.at(-1)!;
}

const SITES = [
  'ecs DescribeServices',
  'ecs UpdateService',
  'dynamodb PutItem RUN',
  'dynamodb GetItem GUARD',
  'dynamodb PutItem GUARD',
  'dynamodb PutItem CHECK',
  'dynamodb PutItem TIMELINE',
];
const FAULTS: Fault[] = ['throttle', 'server', 'before', 'lost', 'hang', 'kill'];

describe('a check-triggered runbook whose attempt failed right after acting', () => {
  it("is taken over at once by the stream's next delivery, not waited out to the dead attempt's lease", async () => {
    const world = await World.create(ground.local, T0);
    const record = await opened(world);
    const started = world.now.getTime();
    // The run's record cannot be saved after the restart, nor its lease released: a short store fault.
    world.pick = (s, n) => (s === 'dynamodb PutItem RUN' && n >= 2 && n <= 7 ? 'server' : undefined);
    const out = await deliverCheckRecord(world, config, record);
    expect(out.ends.map((e) => e.ended)).toEqual(['threw', 'returned']);
    expect(world.ecs.applied).toHaveLength(1);
    // The retry came a minute later (the model's redelivery); the run's own waits (settle, verify) are the rest.
    expect(world.now.getTime() - started).toBeLessThan(5 * 60_000);
    // As on the alarm path: the failed attempt paged, saying it will be retried; the retry said it was handled.
    expect(world.sns.on(ESCALATIONS).map((m) => m.subject)).toEqual([
      '[P1][VIGIL ERROR] api-health: not handled yet, retrying',
      '[P1][VIGIL RECOVERED] api-health: handled on attempt 2 (escalated)',
    ]);
  });
});

describe('a check-triggered runbook under faults, the stream delivering again', () => {
  it.each(SITES.flatMap((site) => FAULTS.map((fault) => [site, fault] as const)))(
    '%s × %s: at most one deployment, the incident escalated, and a second delivery replays',
    async (site, fault) => {
      const world = await World.create(ground.local, T0);
      const record = await opened(world);
      world.pick = (s, n) => (s === site && n === 1 ? fault : undefined);
      const out = await deliverCheckRecord(world, config, record);
      expect(out.deadLettered, JSON.stringify(out.ends)).toBe(false);
      // A restart the service refused for certain (a 500, a request never sent) is not retried: escalated, as on the alarm path.
      const refused = site === 'ecs UpdateService' && (fault === 'server' || fault === 'before');
      expect(world.ecs.applied).toHaveLength(refused ? 0 : 1);
      const state = (await new DynamoStateStore(ground.local.doc, world.table).getCheckStates(['api-health'])).get('api-health')!;
      expect(state.incident).toMatchObject({ id: 'api-health/1', escalatedAt: expect.any(String) });
      world.pick = () => undefined;
      const again = await deliverCheckRecord(world, config, record);
      const [run] = (again.ends.at(-1) as { value: { runs: RunbookResult[] } }).value.runs;
      expect(run).toMatchObject({ verdict: 'escalated', replay: { firstVerdict: 'escalated' } });
      expect(world.ecs.applied).toHaveLength(refused ? 0 : 1);
    },
  );

  it.each(SITES.flatMap((site) => FAULTS.map((fault) => [site, fault] as const)))(
    '%s × %s on every call: never two deployments, and a record that cannot finish reaches the dead-letter queue',
    async (site, fault) => {
      const world = await World.create(ground.local, T0);
      const record = await opened(world);
      world.pick = (s) => (s === site ? fault : undefined);
      const out = await deliverCheckRecord(world, config, record);
      expect(world.ecs.applied.length).toBeLessThanOrEqual(1);
      if (!out.deadLettered) {
        const state = (await new DynamoStateStore(ground.local.doc, world.table).getCheckStates(['api-health'])).get('api-health')!;
        expect(state.incident).toMatchObject({ escalatedAt: expect.any(String) });
      }
    },
  );
});
