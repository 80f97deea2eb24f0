import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIncidentsHandler } from '../../functions/incidents/handler.js';
import { createOnAlarmHandler } from '../../functions/on-alarm/handler.js';
import { createRemediateHandler } from '../../functions/remediate/handler.js';
import { resetCircuit } from '../../shared/guardrails/ops.js';
import { parseConfig } from '../../shared/config/load.js';
import type { VigilConfigInput } from '../../shared/config/schema.js';
import { startLocalRuntime, type LocalRuntime } from '../../app/local/runtime.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';
import { silentLog } from '../../shared/log.js';
import type { Notification } from '../../shared/notifications/message.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { alarm, samples } from '../support/alarm.js';
import { localRunbookDeps } from '../support/runbook-deps.js';
import { service } from '../support/ecs-fixtures.js';
import { injectFault, runLine, timelineKind } from '../support/faults.js';
import { minutesAfter, T0 } from '../support/findings.js';

const ecs = mockClient(ECSClient);
let api: LocalTarget;
let apiHealthy = true;
beforeAll(async () => {
  api = await startHttpTarget((_, res) => res.writeHead(apiHealthy ? 200 : 503).end());
});
afterAll(() => api.close());
beforeEach(() => {
  ecs.reset();
  apiHealthy = true;
  ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
  ecs.on(UpdateServiceCommand).resolves({ service: service() });
});

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

type Remediation = NonNullable<VigilConfigInput['remediations']>[number];

async function setup(remediation: Partial<Remediation> = {}, runbook: object = {}, state: 'memory' | 'dynalite' = 'memory') {
  const config = parseConfig({
    checks: [
      { id: 'api-health', kind: 'http', target: `http://127.0.0.1:${api.port}/health` },
      { id: 'orders-api-service', kind: 'ecs-service', target: 'prod/orders-api' },
    ],
    remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto', ...remediation } as Remediation],
    runbooks: [
      {
        id: 'orders-api-5xx',
        match: { alarmNames: ['orders-api-5xx-rate'] },
        severity: 'P1',
        steps: [
          { diagnose: ['orders-api-service', 'api-health'] },
          { act: 'orders-api-restart' },
          { verify: { check: 'api-health', settleSeconds: 60, attempts: 2, intervalSeconds: 10 } },
          { escalate: 'restart did not help' },
        ],
        ...runbook,
      },
    ],
  });
  let now = T0;
  const clock = { now: () => now };
  const sent: Notification[] = [];
  runtime = await startLocalRuntime({ config, clock, log: silentLog, onNotification: (_, n) => sent.push(n), state });
  const deps = localRunbookDeps(runtime, { config, clock, log: silentLog });
  const store = runtime.store;
  return {
    onAlarm: createOnAlarmHandler(deps),
    remediate: createRemediateHandler(deps),
    deps,
    store,
    sent,
    items: runtime.items,
    dynamo: runtime.dynamo,
    at: (minutes: number) => (now = minutesAfter(T0, minutes)),
    timeline: async (id = 'alarm:orders-api-5xx-rate/1') => (await store.getTimeline(id)).map((e) => e.kind),
    updates: () => ecs.commandCalls(UpdateServiceCommand).length,
  };
}

describe('on-alarm handler', () => {
  it('runs the runbook on ALARM: diagnose, restart, verify, and records every step', async () => {
    const t = await setup();
    const result = (await t.onAlarm(samples.metric)) as RunbookResult;
    expect(result).toMatchObject({
      alarm: 'orders-api-5xx-rate',
      state: 'ALARM',
      runbook: 'orders-api-5xx',
      incidentId: 'alarm:orders-api-5xx-rate/1',
      verdict: 'fixed',
    });
    expect(result.steps.map((s) => `${s.step}: ${s.outcome}`)).toEqual([
      'diagnose: done',
      'act orders-api-restart: acted',
      'verify api-health: passed',
      'escalate: skipped',
    ]);
    expect(result.steps[0]!.detail).toMatch(/^orders-api-service ok: running 3\/3, steady; api-health ok: HTTP 200 in \d+ ms$/);
    expect(t.updates()).toBe(1);
    expect(await t.timeline()).toEqual(['opened', 'notified', 'acted', 'notified', 'alarm', 'diagnose', 'acting', 'acted', 'verified', 'verdict']);
    expect((await t.store.getTimeline('alarm:orders-api-5xx-rate/1')).at(-1)).toMatchObject({
      summary: 'fixed',
      reason: expect.stringMatching(
        /^diagnose: done \(\d+ ms\); act orders-api-restart: acted \(\d+ ms\); verify api-health: passed \(\d+ ms\); escalate: skipped \(\d+ ms\)$/,
      ),
    });
    // The on-call hears it opened, and what Vigil did about it.
    expect(t.sent.map((n) => n.subject)).toEqual([
      expect.stringMatching(/^\[P1\]\[OPEN\] alarm:orders-api-5xx-rate: orders-api-5xx-rate: Threshold Crossed/),
      '[P1][ACTION TAKEN] alarm:orders-api-5xx-rate: new deployment of prod/orders-api started',
    ]);
    expect(t.sent[1]!.body).toMatch(
      /^Vigil acted on alarm:orders-api-5xx-rate, by itself\.\n\nDid: +force a new deployment of prod\/orders-api \(3\/3 running, orders-api:42\)\nResult: +new deployment of prod\/orders-api started\nAction: +orders-api-restart on ecs:prod\/orders-api\nRun: +alarm#.+ \(runbook orders-api-5xx\)\n/,
    );
  });

  it('honours a silence an operator stored for the alarm (a deploy): the incident opens silenced, and what Vigil did is still told', async () => {
    const t = await setup();
    const incidents = createIncidentsHandler({ config: t.deps.config, store: t.store, clock: t.deps.clock, log: silentLog });
    expect(await incidents({ op: 'silence', check: 'alarm:orders-api-5xx-rate', for: '30m', by: 'ci', reason: 'deploying orders' })).toMatchObject({
      done: expect.stringContaining('alarm:orders-api-5xx-rate silenced until'),
    });
    expect(await t.onAlarm(samples.metric)).toMatchObject({ verdict: 'fixed' });
    expect((await t.store.getCheckStates(['alarm:orders-api-5xx-rate'])).get('alarm:orders-api-5xx-rate')?.incident).toMatchObject({
      silenced: true,
      silenceReason: 'deploying orders',
    });
    expect(t.sent.map((n) => n.subject)).toEqual(['[P1][ACTION TAKEN] alarm:orders-api-5xx-rate: new deployment of prod/orders-api started']);
  });

  it('in observe mode records exactly what it would do, and does nothing', async () => {
    const t = await setup({ mode: 'observe' });
    const result = (await t.onAlarm(samples.metric)) as RunbookResult;
    expect(result.verdict).toBe('observed');
    expect(result.steps[1]).toMatchObject({
      outcome: 'observed',
      detail: 'force a new deployment of prod/orders-api (3/3 running, orders-api:42): mode observe: dry run, nothing done',
    });
    expect(t.updates()).toBe(0);
    // What it would have done is told too, as what it is: a dry run.
    expect(t.sent.at(-1)).toMatchObject({
      subject: expect.stringMatching(/^\[P1\]\[DRY RUN\] alarm:orders-api-5xx-rate: would force a new deployment of prod\/orders-api/),
      body: expect.stringContaining('(dry run: its remediation is in observe mode; nothing was changed)'),
    });
  });

  it('escalates when verification fails, after one action', async () => {
    const t = await setup();
    apiHealthy = false;
    const result = (await t.onAlarm(samples.metric)) as RunbookResult;
    expect(result.verdict).toBe('escalated');
    expect(result.steps.at(-2)).toMatchObject({
      step: 'verify api-health',
      outcome: 'failed',
      detail: expect.stringMatching(/^api-health still fail after 2 attempts: HTTP 503/),
    });
    expect(t.sent.map((n) => n.subject.slice(0, 18))).toEqual(['[P1][OPEN] alarm:o', '[P1][ACTION TAKEN]', '[P1][ESCALATED] al']);
    // The hand-over says what the runbook did and that it did not help, not that nobody acknowledged.
    const escalation = t.sent.at(-1)!.body;
    expect(escalation).toMatch(
      /^Vigil's runbook orders-api-5xx hands alarm:orders-api-5xx-rate over to you: restart did not help \(api-health still fail after 2 attempts: HTTP 503/,
    );
    expect(escalation).toContain(
      'Vigil did: force a new deployment of prod/orders-api (3/3 running, orders-api:42) (new deployment of prod/orders-api started)',
    );
    expect(escalation).not.toContain('acknowledged within');
    expect(t.updates()).toBe(1);
  });

  it('resolves the incident on OK, records INSUFFICIENT_DATA without acting, and handles composite alarms', async () => {
    const t = await setup({}, { match: { alarmNames: ['orders-api-5xx-rate', 'orders-api-degraded'] } });
    await t.onAlarm(samples.metric);
    t.at(7);
    expect(await t.onAlarm(samples.ok)).toMatchObject({ verdict: 'resolved', incidentId: 'alarm:orders-api-5xx-rate/1' });
    t.at(90);
    expect(await t.onAlarm(samples.insufficient)).toMatchObject({ verdict: 'recorded', steps: [] });
    expect(await t.onAlarm(samples.composite)).toMatchObject({ alarm: 'orders-api-degraded', verdict: 'fixed', incidentId: 'alarm:orders-api-degraded/1' });
    expect(t.updates()).toBe(2);
  });

  it('acts once when the same event is delivered twice', async () => {
    const t = await setup();
    const first = await t.onAlarm(samples.metric);
    const second = await t.onAlarm(samples.metric);
    expect(second).toEqual({ ...first, replay: { of: samples.metric.id, at: T0.toISOString(), firstVerdict: 'fixed' } });
    expect(t.updates()).toBe(1);
  });

  it('makes exactly one UpdateService for 100 concurrent alarm deliveries on one target', async () => {
    const t = await setup();
    const results = (await Promise.all(Array.from({ length: 100 }, (_, i) => t.onAlarm(alarm(`burst-${i}`))))) as RunbookResult[];
    expect(t.updates()).toBe(1);
    expect(results.filter((r) => r.steps.some((s) => s.outcome === 'acted'))).toHaveLength(1);
  });

  it('lets a flapping alarm (1,000 changes in an hour) act at most the window maximum, then opens the circuit', async () => {
    const t = await setup({ cooldownMinutes: 0, maxActions: { count: 3, windowMinutes: 60 }, circuitBreaker: { failures: 3 } });
    apiHealthy = false; // every verification fails
    for (let i = 0; i < 1000; i++) {
      t.at(i * 0.06);
      await t.onAlarm(alarm(`flap-${i}`, i % 2 ? 'OK' : 'ALARM'));
    }
    expect(t.updates()).toBe(3);
    const { guard } = await t.store.getGuard('ecs:prod/orders-api');
    expect(guard).toMatchObject({ failedVerifications: 3, circuitOpenedAt: expect.any(String) });
    const last = (await t.onAlarm(alarm('after-flap'))) as RunbookResult;
    // Escalated when the circuit first held the target back; quiet after that.
    expect(last.steps[1]).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringMatching(/circuit open since .* after 3 actions failed verification; reset it to act again \(escalated at /),
    });

    // A human resets the breaker; the next alarm (after the window) acts again.
    await resetCircuit(t.store, 'ecs:prod/orders-api');
    t.at(200);
    apiHealthy = true;
    expect(await t.onAlarm(alarm('after-reset', 'ALARM', { previousState: { value: 'OK' } }))).toMatchObject({ verdict: 'fixed' });
    expect(t.updates()).toBe(4);
  }, 120_000);

  it('leaves an expiring lease and a telling timeline when the function dies mid-action', async () => {
    const t = await setup({ cooldownMinutes: 0, leaseSeconds: 300 });
    ecs.on(UpdateServiceCommand).callsFake(() => new Promise(() => undefined)); // hangs: the function "dies" here
    void t.onAlarm(alarm('dies'));
    await expect.poll(() => t.timeline(), { timeout: 5_000 }).toContain('acting');
    expect(await t.timeline()).not.toContain('acted');
    const { guard } = await t.store.getGuard('ecs:prod/orders-api');
    expect(guard?.actions).toEqual([
      {
        remediation: 'orders-api-restart',
        eventId: 'dies',
        at: T0.toISOString(),
        plan: expect.objectContaining({ summary: expect.stringMatching(/^force a new deployment/) }),
      },
    ]);

    ecs.on(UpdateServiceCommand).resolves({ service: service() });
    t.at(1);
    const during = (await t.onAlarm(alarm('while-locked', 'ALARM', { previousState: { value: 'OK' } }))) as RunbookResult;
    expect(during.steps[1]).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringContaining(`holds this target until ${minutesAfter(T0, 5).toISOString()}`),
    });
    t.at(6);
    const after = (await t.onAlarm(alarm('after-expiry'))) as RunbookResult;
    expect(after.steps[1]!.outcome).toBe('acted');
  });

  it('goes on from the action, never repeating it, when DynamoDB throttles the write after it and the event is retried', async () => {
    const t = await setup({}, {}, 'dynalite');
    let throttled = 0;
    const heal = injectFault(t.dynamo!.client, (command, input) =>
      command.startsWith('Put') && timelineKind(input) === 'acted' && runLine(input) && throttled++ === 0 ? 'throttle' : undefined,
    );
    await expect(t.onAlarm(samples.metric)).rejects.toThrow('Rate exceeded');
    heal();
    const retried = (await t.onAlarm(samples.metric)) as RunbookResult;
    expect(throttled).toBeGreaterThan(0);
    expect(t.updates()).toBe(1);
    expect(retried.verdict).toBe('fixed');
    expect(retried.replay).toBeUndefined();
    expect(retried.steps.map((s) => `${s.step}: ${s.outcome}`)).toEqual([
      'diagnose: done',
      'act orders-api-restart: acted',
      'verify api-health: passed',
      'escalate: skipped',
    ]);
    expect(retried.steps[1]!.detail).toBe('new deployment of prod/orders-api started');
    // The first attempt's trail is kept: what it did before the failure is not lost.
    expect(await t.timeline()).toEqual(expect.arrayContaining(['acting', 'acted', 'verified', 'verdict']));
  });

  it.each(['timeout', 'server'] as const)('escalates, without a second try, when UpdateService fails (%s)', async (fault) => {
    const t = await setup();
    // aws-sdk-client-mock replaces send(), so ECS faults come from the mock; DynamoDB's run through the real middleware stack.
    const error =
      fault === 'timeout'
        ? Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })
        : Object.assign(new Error('We encountered an internal error.'), { name: 'InternalFailure' });
    ecs.on(UpdateServiceCommand).rejects(error);
    const result = (await t.onAlarm(samples.metric)) as RunbookResult;
    expect(result.verdict).toBe('escalated');
    expect(result.steps[1]).toMatchObject({ outcome: 'failed' });
    const { guard } = await t.store.getGuard('ecs:prod/orders-api');
    expect(guard?.lease).toBeUndefined();
    // Reading the service back shows no new deployment: nothing was applied, so it holds no cooldown.
    expect(guard?.actions.map((a) => a.outcome)).toEqual(['not-applied']);
  });

  it('fails closed when ECS throttles the plan: no action, an escalation', async () => {
    const t = await setup();
    ecs.on(DescribeServicesCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const result = (await t.onAlarm(samples.metric)) as RunbookResult;
    expect(result.verdict).toBe('escalated');
    expect(result.steps[1]).toMatchObject({ outcome: 'failed', detail: 'orders-api-restart cannot plan: Rate exceeded' });
    expect(t.updates()).toBe(0);
  });

  it('does nothing and escalates while the kill switch is off', async () => {
    const t = await setup();
    await t.store.setKillSwitch({ automationEnabled: false, by: 'alice', at: T0.toISOString(), reason: 'incident review' });
    const result = (await t.onAlarm(samples.metric)) as RunbookResult;
    expect(result).toMatchObject({ verdict: 'escalated' });
    expect(result.steps[1]!.detail).toMatch(/automatic actions are switched off by alice: incident review$/);
    expect(t.updates()).toBe(0);
  });

  it('escalates rather than guesses when a runbook matches by tags and the event has none', async () => {
    const t = await setup({}, { match: { alarmNames: ['orders-api-5xx-rate'], tags: { service: 'orders' } } });
    expect(await t.onAlarm(samples.metric)).toMatchObject({ verdict: 'escalated' });
    expect(t.updates()).toBe(0);
    expect(await t.onAlarm(alarm('tagged', 'ALARM', { alarmTags: { service: 'orders' }, previousState: { value: 'OK' } }))).toMatchObject({ verdict: 'fixed' });
  });

  it.each([
    ['a NUL', 'orders-api\u0000-5xx-rate'],
    ['a newline', 'orders-api-5xx-rate\n[P1][RESOLVED] all good'],
    ['a terminal escape', '\u001b[31morders-api-5xx-rate'],
    ['a DEL', 'orders-api-5xx-rate\u007f'],
    ['a broken surrogate', 'orders-api-\ud800-rate'],
    ['256 characters', 'a'.repeat(256)],
  ])('refuses an alarm name with %s, as CloudWatch would, and writes nothing', async (_, alarmName) => {
    const t = await setup();
    const before = await runtime!.items();
    const result = (await t.onAlarm(alarm('bad-name', 'ALARM', { alarmName }))) as { error: string; problems: string[] };
    expect(result).toMatchObject({ error: 'not a CloudWatch Alarm State Change event' });
    expect(result.problems).toEqual([expect.stringMatching(/^detail\.alarmName: /)]);
    expect(JSON.stringify(result)).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(await runtime!.items()).toEqual(before);
    expect(t.sent).toEqual([]);
  });

  it('takes a name with markup or non-ASCII letters, which CloudWatch allows, and keeps each sink to one line', async () => {
    const t = await setup({}, { match: { alarmNames: ['<b>orders</b> 5xx – äöü'] } });
    const result = (await t.onAlarm(
      alarm('markup', 'ALARM', {
        alarmName: '<b>orders</b> 5xx – äöü',
        state: { ...samples.metric.detail.state, reason: 'Threshold\nCrossed:\u0000 1 datapoint' },
      }),
    )) as RunbookResult;
    expect(result.verdict).toBe('fixed');
    expect(t.sent[0]!.subject).toMatch(/^\[P1\]\[OPEN\] alarm:<b>orders<\/b> 5xx \? \?\?\?: <b>orders<\/b> 5xx \? \?\?\?: Threshold Crossed: +1 datapoi/);
    expect(JSON.stringify(await runtime!.items())).not.toMatch(/\\u0000|\\n/);
  });

  it('writes nothing for an alarm no runbook matches', async () => {
    const t = await setup();
    const before = await runtime!.items();
    expect(await t.onAlarm(alarm('unmatched', 'ALARM', { alarmName: 'someone-elses-alarm' }))).toMatchObject({ verdict: 'unmatched' });
    expect(await runtime!.items()).toEqual(before);
    expect(t.sent).toEqual([]);
  });

  it('refuses an event id that could not be a key', async () => {
    const t = await setup();
    const result = (await t.onAlarm({ ...samples.metric, id: 'a#b\nc' })) as { problems: string[] };
    expect(result.problems).toEqual([expect.stringMatching(/^id: /)]);
  });

  it('answers a malformed event with its problems', async () => {
    const t = await setup();
    expect(await t.onAlarm({ 'detail-type': 'EC2 Instance State-change Notification' })).toMatchObject({ error: 'not a CloudWatch Alarm State Change event' });
  });
});

describe('a runbook whose first step acts', () => {
  // It reads the guard and kill switch with the alarm's state, and acts on what it read and wrote.
  const actsFirst = {
    steps: [
      { act: 'orders-api-restart' },
      { verify: { check: 'api-health', settleSeconds: 60, attempts: 2, intervalSeconds: 10 } },
      { escalate: 'restart did not help' },
    ],
  };

  it('acts, verifies, and writes the whole timeline', async () => {
    const t = await setup({}, actsFirst);
    expect(await t.onAlarm(samples.metric)).toMatchObject({ verdict: 'fixed' });
    expect(t.updates()).toBe(1);
    expect(await t.timeline()).toEqual(['opened', 'notified', 'acted', 'notified', 'alarm', 'acting', 'acted', 'verified', 'verdict']);
  });

  it('makes exactly one UpdateService for 100 concurrent alarm deliveries on one target', async () => {
    const t = await setup({}, actsFirst);
    const results = (await Promise.all(Array.from({ length: 100 }, (_, i) => t.onAlarm(alarm(`burst-${i}`))))) as RunbookResult[];
    expect(t.updates()).toBe(1);
    expect(results.filter((r) => r.steps.some((s) => s.outcome === 'acted'))).toHaveLength(1);
  });

  it('holds the next alarm on the target to the cooldown', async () => {
    const t = await setup({ cooldownMinutes: 15 }, actsFirst);
    await t.onAlarm(samples.metric);
    t.at(5);
    const next = (await t.onAlarm(alarm('again', 'ALARM', { previousState: { value: 'OK' } }))) as RunbookResult;
    expect(next.steps[0]).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/cooldown/) });
    expect(t.updates()).toBe(1);
  });

  it('does nothing and escalates while the kill switch is off', async () => {
    const t = await setup({}, actsFirst);
    await t.store.setKillSwitch({ automationEnabled: false, by: 'alice', at: T0.toISOString(), reason: 'incident review' });
    expect(await t.onAlarm(samples.metric)).toMatchObject({ verdict: 'escalated' });
    expect(t.updates()).toBe(0);
  });

  it('leaves an expiring lease and the acting line when the function dies mid-action', async () => {
    const t = await setup({ leaseSeconds: 300 }, actsFirst);
    ecs.on(UpdateServiceCommand).callsFake(() => new Promise(() => undefined));
    void t.onAlarm(alarm('dies'));
    await expect.poll(() => t.timeline(), { timeout: 5_000 }).toContain('acting');
    expect((await t.store.getGuard('ecs:prod/orders-api')).guard?.lease).toMatchObject({ holder: 'dies', until: minutesAfter(T0, 5).toISOString() });
  });
});

describe('propose mode and approval', () => {
  it('publishes the plan with the payload that approves it, and acts only on that approval', async () => {
    const t = await setup({ mode: 'propose', proposalMinutes: 30 });
    const result = (await t.onAlarm(samples.metric)) as RunbookResult;
    expect(result.verdict).toBe('proposed');
    expect(t.updates()).toBe(0);
    const proposal = t.sent.find((n) => n.subject.includes('[APPROVAL NEEDED]'))!;
    const payload = JSON.parse(proposal.body.split('\n').find((l) => l.trim().startsWith('{"remediation"'))!);
    expect(payload).toEqual({ remediation: 'orders-api-restart', approve: expect.any(String), approvedBy: 'your-name', reason: 'why this is right' });

    t.at(5);
    const approved = (await t.remediate({ ...payload, approvedBy: 'alice', reason: 'confirmed bad pods' })) as RunbookResult;
    expect(approved.verdict).toBe('fixed');
    expect(t.updates()).toBe(1);
    expect((await t.store.getTimeline('alarm:orders-api-5xx-rate/1')).find((e) => e.kind === 'approved')).toMatchObject({
      by: 'alice',
      reason: 'confirmed bad pods',
    });
  });

  it('refuses an approval that arrives after the proposal expired, or names another remediation', async () => {
    const t = await setup({ mode: 'propose', proposalMinutes: 30 });
    await t.onAlarm(samples.metric);
    const body = t.sent.find((n) => n.subject.includes('[APPROVAL NEEDED]'))!.body;
    const payload = JSON.parse(body.split('\n').find((l) => l.trim().startsWith('{"remediation"'))!);
    expect(await t.remediate({ ...payload, remediation: 'orders-api-rollback' })).toMatchObject({
      error: expect.stringMatching(/is for orders-api-restart, not orders-api-rollback/),
    });
    t.at(31);
    expect(await t.remediate(payload)).toMatchObject({ error: expect.stringMatching(/expired at .*; nothing done/) });
    expect(t.updates()).toBe(0);
  });

  it('does nothing on an approval of a plan whose incident changed since', async () => {
    const t = await setup({ mode: 'propose', proposalMinutes: 30 });
    await t.onAlarm(samples.metric);
    const body = t.sent.find((n) => n.subject.includes('[APPROVAL NEEDED]'))!.body;
    const payload = JSON.parse(body.split('\n').find((l) => l.trim().startsWith('{"remediation"'))!);
    t.at(3);
    expect(
      await createIncidentsHandler(t.deps)({ op: 'ack', incident: 'alarm:orders-api-5xx-rate/1', by: 'bob', reason: 'looking at the pods' }),
    ).toHaveProperty('done');
    t.at(5);
    const approved = (await t.remediate({ ...payload, approvedBy: 'alice', reason: 'confirmed bad pods' })) as RunbookResult;
    expect(approved.steps[0]).toMatchObject({
      outcome: 'stale',
      detail: 'force a new deployment of prod/orders-api (3/3 running, orders-api:42): the incident changed since the plan was made (acknowledged by bob)',
    });
    expect(t.updates()).toBe(0);
    const { guard } = await t.store.getGuard('ecs:prod/orders-api');
    expect(guard?.lease).toBeUndefined();
  });

  it('will not let a high-risk remediation run in auto mode without a written reason', () => {
    expect(() =>
      parseConfig({ checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }], remediations: [{ id: 'rb', kind: 'ecs-rollback', target: 'prod/api', mode: 'auto' }] }),
    ).toThrow('remediations[0].mode: ecs-rollback is high risk: "auto" needs allowAuto');
  });
});

describe('manual remediation operations', () => {
  it('flips the kill switch off and on by manual invocation, recording who and why', async () => {
    const t = await setup();
    expect(await t.remediate({ automation: 'off', by: 'alice', reason: 'failover drill' })).toEqual({
      done: 'automatic actions are off (alice: failover drill)',
    });
    expect(await t.onAlarm(samples.metric)).toMatchObject({ verdict: 'escalated' });
    expect((await t.store.getGuard('ecs:prod/orders-api')).killSwitch).toMatchObject({ automationEnabled: false, by: 'alice', reason: 'failover drill' });
    await t.remediate({ automation: 'on', by: 'alice', reason: 'drill over' });
    t.at(30);
    expect(await t.onAlarm(alarm('after-drill', 'ALARM', { previousState: { value: 'OK' } }))).toMatchObject({ verdict: 'fixed' });
    expect(t.updates()).toBe(1);
  });

  it('answers a payload that is none of the operations with the examples, changing nothing', async () => {
    const t = await setup();
    const result = await t.remediate({ automation: 'maybe', by: 'x' });
    expect(result).toEqual({
      error: 'invalid remediate request',
      problems: ['automation: Invalid option: expected one of "off"|"on"', 'reason: required (string)'],
      example: { automation: 'off', by: 'alice', reason: 'region failover drill' },
    });
    expect((await t.store.getGuard('ecs:prod/orders-api')).killSwitch).toBeUndefined();
  });
});
