import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { ecs, startConsole, type Console } from '../support/console.js';
import { mockDeploymentHistory, taskDef } from '../support/ecs-fixtures.js';

let t: Console;
afterEach(() => t?.close());

const remediate = (event: object) => t.handlers.remediate!(event as never) as Promise<Record<string, unknown>>;
const run = { remediation: 'orders-api-restart', dryRun: false, approvedBy: 'alice', reason: '5XX since the deploy' };

describe('remediate handler: an operator runs a remediation by hand', () => {
  it('dry-runs by default: the exact plan and what the guardrails say, and changes nothing', async () => {
    t = await startConsole();
    const before = await t.items();
    expect(await remediate({ remediation: 'orders-api-restart' })).toEqual({
      remediation: 'orders-api-restart',
      target: 'ecs:prod/orders-api',
      dryRun: true,
      plan: 'force a new deployment of prod/orders-api (3/3 running, orders-api:42)',
      outcome: 'would act',
      detail: 'every guardrail allows it now (low risk)',
      next: { remediation: 'orders-api-restart', dryRun: false, approvedBy: 'your-name', reason: 'why' },
    });
    expect(t.updates()).toBe(0);
    expect(await t.items()).toEqual(before);
  });

  it("acts when told to, with who and why, verifies with the runbook's check, and tells the on-call on the incident", async () => {
    t = await startConsole();
    await t.openIncident();
    t.setHealthy(true);
    const result = await remediate({ ...run, incident: 'api-health/1' });
    expect(result).toMatchObject({
      outcome: 'acted',
      detail: 'new deployment of prod/orders-api started',
      verified: expect.stringMatching(/^api-health ok \(attempt 1\): HTTP 200/),
      incident: { id: 'api-health/1', state: 'open' },
    });
    expect(ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'prod', service: 'orders-api', forceNewDeployment: true }]);
    expect(t.sent.at(-1)).toMatchObject({
      subject: '[P3][ACTION TAKEN] api-health: new deployment of prod/orders-api started',
      body: expect.stringContaining('alice acted on api-health through Vigil.'),
    });
    expect(t.sent.at(-1)!.body).toContain(
      'Result:    new deployment of prod/orders-api started\nAction:    orders-api-restart on ecs:prod/orders-api\nWhy:       5XX since the deploy',
    );
    const timeline = (await t.store.getTimeline('api-health/1')).map((e) => `${e.kind} by ${e.by}`);
    expect(timeline).toEqual(expect.arrayContaining(['manual by alice', 'acting by alice', 'verified by alice', 'acted by alice']));
  });

  it('holds a manual run to the cooldown, and acts past the kill switch (that stops only what Vigil does alone)', async () => {
    t = await startConsole();
    await remediate({ automation: 'off', by: 'bob', reason: 'incident review' });
    expect(await remediate(run)).toMatchObject({ outcome: 'acted' });
    expect(await remediate(run)).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringMatching(/^force a new deployment of prod\/orders-api .*: cooldown: orders-api-restart last acted at /),
    });
    expect(await remediate({ remediation: 'orders-api-restart' })).toMatchObject({ outcome: 'would skip' });
    expect(t.updates()).toBe(1);
  });

  it('runs a high-risk remediation by hand: the name on the request is its approval', async () => {
    t = await startConsole();
    mockDeploymentHistory(ecs);
    expect(await remediate({ remediation: 'orders-api-rollback' })).toMatchObject({
      plan: 'roll prod/orders-api back from orders-api:42 to orders-api:41',
      outcome: 'would act',
      detail: 'every guardrail allows it now (high risk)',
    });
    expect(await remediate({ remediation: 'orders-api-rollback', dryRun: false, approvedBy: 'alice', reason: 'bad deploy at 03:02' })).toMatchObject({
      outcome: 'acted',
      detail: 'prod/orders-api rolling back to orders-api:41',
    });
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({ cluster: 'prod', service: 'orders-api', taskDefinition: taskDef(41) });
  });

  it('reports a remediation that refuses to plan, and acts on nothing', async () => {
    t = await startConsole();
    mockDeploymentHistory(ecs, []);
    expect(await remediate({ remediation: 'orders-api-rollback', dryRun: false, approvedBy: 'alice', reason: 'bad deploy' })).toMatchObject({
      outcome: 'refused',
      detail: expect.stringMatching(/^orders-api-rollback cannot plan: .*has 0 source revisions; rollback needs exactly one/),
    });
    expect(t.updates()).toBe(0);
  });

  it('refuses an incident that is not active, before doing anything', async () => {
    t = await startConsole();
    expect(await remediate({ ...run, incident: 'api-health/1' })).toMatchObject({ error: 'no active incident "api-health/1"' });
    expect(t.updates()).toBe(0);
  });
});
