import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOnAlarmHandler, type CheckRunsResult } from '../../functions/on-alarm/handler.js';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { startLocalRuntime, type LocalRuntime } from '../../app/local/runtime.js';
import { streamRecord } from '../../app/local/stream.js';
import { silentLog } from '../../shared/log.js';
import type { Notification } from '../../shared/notifications/message.js';
import { triggerFor } from '../../shared/runbooks/check-trigger.js';
import { service } from '../support/ecs-fixtures.js';
import { minutesAfter, T0 } from '../support/findings.js';
import { localRunbookDeps } from '../support/runbook-deps.js';
import { useHealthTarget } from '../support/health-target.js';

// Vigil's own check finds the fault; its incident, from the table's stream, starts the runbook:
// diagnose, restart, verify with the same check; the next round resolves the incident. Nobody sends a payload.

const ecs = mockClient(ECSClient);
const api = useHealthTarget();
let runtime: LocalRuntime | undefined;
beforeEach(() => {
  ecs.reset();
  api.healthy = false;
  ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
  // The restart is what fixes it.
  ecs.on(UpdateServiceCommand).callsFake(() => {
    api.healthy = true;
    return { service: service() };
  });
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

async function setup(match: object, steps?: object[]) {
  const config = parseConfig({
    checks: [
      {
        id: 'api-health',
        kind: 'http',
        target: `http://127.0.0.1:${api.port}/health`,
        severity: 'P1',
        tags: { service: 'orders' },
        incident: { failureThreshold: 1, successThreshold: 1 },
      },
      { id: 'orders-api-service', kind: 'ecs-service', target: 'prod/orders-api' },
    ],
    remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto' }],
    runbooks: [
      {
        id: 'api-health-down',
        match,
        severity: 'P1',
        steps: steps ?? [
          { diagnose: ['orders-api-service'] },
          { act: 'orders-api-restart' },
          { verify: { settleSeconds: 0, attempts: 2, intervalSeconds: 0 } },
          { escalate: 'the restart did not bring /health back' },
        ],
      },
    ],
  });
  let now = T0;
  const clock = { now: () => now };
  const sent: Notification[] = [];
  runtime = await startLocalRuntime({ config, clock, log: silentLog, onNotification: (_, n) => sent.push(n), state: 'memory' });
  const onAlarm = createOnAlarmHandler(localRunbookDeps(runtime, { config, clock, log: silentLog }));
  const runs: CheckRunsResult[] = [];
  runtime.onStream(async (event) => {
    const result = (await onAlarm(event)) as CheckRunsResult;
    runs.push(result);
    return result;
  });
  const runChecks = createRunChecksHandler({ config, log: silentLog, clock, store: runtime.store });
  return {
    config,
    runs: () => runs.flatMap((r) => r.runs),
    sent,
    onAlarm,
    round: async (minute: number) => {
      now = minutesAfter(T0, minute);
      return runChecks({ checks: ['api-health'] });
    },
    timeline: async (id = 'api-health/1') => (await runtime!.store.getTimeline(id)).map((e) => e.kind),
    state: async () => (await runtime!.store.getCheckStates(['api-health'])).get('api-health')!,
  };
}

describe('a runbook started by a check', () => {
  it('runs when the check opens its incident: diagnose, act, verify with that check; the next round resolves it', async () => {
    const t = await setup({ checks: { ids: ['api-health'] } });
    await t.round(0);
    expect(t.runs()).toEqual([
      expect.objectContaining({ check: 'api-health', state: 'opened', runbook: 'api-health-down', incidentId: 'api-health/1', verdict: 'fixed' }),
    ]);
    expect(t.runs()[0]!.steps.map((s) => `${s.step}: ${s.outcome}`)).toEqual([
      'diagnose: done',
      'act orders-api-restart: acted',
      'verify api-health: passed',
      'escalate: skipped',
    ]);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    await t.round(1);
    expect((await t.state()).incident).toMatchObject({ state: 'resolved' });
    expect(await t.timeline()).toEqual(expect.arrayContaining(['opened', 'runbook', 'diagnose', 'acting', 'acted', 'verified', 'verdict', 'resolved']));
    // As on the alarm path: the on-call hears it opened, what Vigil did, and that Vigil's fix resolved it.
    expect(t.sent.map((n) => n.subject)).toEqual([
      expect.stringMatching(/^\[P1\]\[OPEN\] api-health:/),
      '[P1][ACTION TAKEN] api-health: new deployment of prod/orders-api started',
      expect.stringMatching(/^\[P1\]\[RESOLVED\] api-health: .* \(fixed by Vigil\)$/),
    ]);
    expect(t.sent[2]!.body).toMatch(/^api-health recovered; fixed by Vigil: new deployment of prod\/orders-api started\./);
  });

  it('acts once when the stream delivers the same record again, and replays the first result', async () => {
    const t = await setup({ checks: { tags: { service: 'orders' }, kinds: ['http'] } });
    await t.round(0);
    const state = await t.state();
    const again = (await t.onAlarm({
      Records: [streamRecord(undefined, { ...state, transition: { ...state.transition!, kind: 'opened', seq: 1 } } as CheckState, 99)],
    })) as CheckRunsResult;
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    expect(again.runs).toEqual([expect.objectContaining({ verdict: 'fixed', replay: expect.objectContaining({ firstVerdict: 'fixed' }) })]);
  });

  it('escalates a fix that does not hold', async () => {
    const t = await setup({ checks: { ids: ['api-health'] } });
    ecs.on(UpdateServiceCommand).resolves({ service: service() }); // restarted, still down
    await t.round(0);
    expect(t.runs()).toEqual([expect.objectContaining({ verdict: 'escalated' })]);
    expect(t.runs()[0]!.steps.at(-2)).toMatchObject({ step: 'verify api-health', outcome: 'failed' });
    expect(t.sent.map((n) => n.subject.slice(0, 15))).toContain('[P1][ESCALATED]');
  });

  it('waits for the rounds it names: once, when the check has failed 3 in a row', async () => {
    const t = await setup({ checks: { ids: ['api-health'], on: ['escalated'], failingRounds: 3 } });
    await t.round(0);
    await t.round(1);
    expect(t.runs()).toEqual([]);
    await t.round(2);
    expect(t.runs()).toEqual([expect.objectContaining({ state: 'failing 3 rounds', verdict: 'fixed' })]);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
  });

  it('starts nothing for a silenced or flapping incident, a check it does not select, or a write that is not its trigger', async () => {
    const t = await setup({ checks: { ids: ['api-health'] } });
    const open = {
      checkId: 'api-health',
      target: 'x',
      version: 2,
      status: 'fail',
      statusSince: T0.toISOString(),
      streak: { failing: true, count: 1 },
      incidentCount: 1,
    } as const;
    const incident = { id: 'api-health/1', checkId: 'api-health', state: 'open', silenced: false } as CheckState['incident'];
    const transition = { seq: 1, kind: 'opened', incidentId: 'api-health/1', at: T0.toISOString(), by: 'vigil' } as const;
    const opened = { ...open, incident, transition } as CheckState;
    expect(triggerFor(t.config, undefined, opened)).toMatchObject({ cause: 'opened', eventId: 'api-health/1#1' });
    expect(triggerFor(t.config, undefined, { ...opened, incident: { ...incident!, silenced: true } })).toBeUndefined();
    expect(triggerFor(t.config, undefined, { ...opened, incident: { ...incident!, flapping: true } })).toBeUndefined();
    expect(triggerFor(t.config, undefined, { ...opened, checkId: 'orders-api-service' })).toBeUndefined();
    expect(triggerFor(t.config, opened, { ...opened, version: 3, streak: { failing: true, count: 2 } })).toBeUndefined();
    expect(triggerFor(t.config, undefined, { ...opened, transition: { ...transition, kind: 'acknowledged' } })).toBeUndefined();
  });
});

describe('a runbook that answers both a check and an alarm', () => {
  it('runs for each, and verifies with the check it names', async () => {
    const steps = [{ act: 'orders-api-restart' }, { verify: { check: 'api-health', settleSeconds: 0, attempts: 1 } }];
    const t = await setup({ alarmNames: ['orders-api-5xx-rate'], checks: { ids: ['api-health'] } }, steps);
    await t.round(0);
    expect(t.runs()).toEqual([expect.objectContaining({ check: 'api-health', verdict: 'fixed' })]);
    const { alarm } = await import('../support/alarm.js');
    expect(await t.onAlarm(alarm('from-cloudwatch'))).toMatchObject({ alarm: 'orders-api-5xx-rate', runbook: 'api-health-down' });
  });

  it('is refused without a check to verify with, since an alarm has none', () => {
    expect(() =>
      parseConfig({
        checks: [{ id: 'api-health', kind: 'http', target: 'https://example.com' }],
        remediations: [{ id: 'r', kind: 'ecs-restart', target: 'prod/orders-api' }],
        runbooks: [{ id: 'rb', match: { alarmNames: ['a'], checks: { ids: ['api-health'] } }, steps: [{ act: 'r' }, { verify: {} }] }],
      }),
    ).toThrow(/runbooks\[0\]\.steps\[1\]\.verify\.check: required in a runbook that answers alarms/);
  });

  it('names a check id or kind that does not exist', () => {
    expect(() =>
      parseConfig({
        checks: [{ id: 'api-health', kind: 'http', target: 'https://example.com' }],
        runbooks: [{ id: 'rb', match: { checks: { ids: ['nope'], kinds: ['memcached'] } }, steps: [{ escalate: 'x' }] }],
      }),
    ).toThrow(/runbooks\[0\]\.match\.checks\.ids\[0\]: no check has id "nope"[\s\S]*runbooks\[0\]\.match\.checks\.kinds\[0\]: no probe has kind "memcached"/);
  });
});
