import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkSqs } from '../../shared/aws/sqs.js';
import { createOnAlarmHandler } from '../../functions/on-alarm/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import { startLocalRuntime } from '../../app/local/runtime.js';
import { silentLog } from '../../shared/log.js';
import type { Notification } from '../../shared/notifications/message.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { service } from '../support/ecs-fixtures.js';
import { T0 } from '../support/findings.js';
import { localRunbookDeps } from '../support/runbook-deps.js';
import { closedAfterEach, useHealthTarget } from '../support/health-target.js';
import { useEcsService } from '../support/ecs-service-mock.js';

// A runbook due on its schedule: its precheck, its action, its post-validation; no incident, its action told on the alerts topic.

const ecs = useEcsService();
const api = useHealthTarget();
const keep = closedAfterEach();

const due = { scheduledRunbook: 'weekly-refresh', at: '2026-11-29T02:00:00Z' };

async function setup(mode = 'auto') {
  const config = parseConfig({
    checks: [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:${api.port}/health` }],
    remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode }],
    runbooks: [
      {
        id: 'weekly-refresh',
        description: 'Fresh tasks every Sunday night, when the API is healthy.',
        match: { schedule: { expression: 'cron(0 2 ? * SUN *)', timezone: 'Europe/Paris' } },
        severity: 'P4',
        steps: [
          { precheck: ['api-health'] },
          { act: 'orders-api-restart' },
          { verify: { check: 'api-health', settleSeconds: 0, attempts: 1 } },
          { escalate: 'the API is unhealthy after the weekly restart' },
        ],
      },
    ],
  });
  const sent: { topic: string; n: Notification }[] = [];
  const runtime = keep(
    await startLocalRuntime({
      config,
      clock: { now: () => T0 },
      log: silentLog,
      onNotification: (topic, n) => sent.push({ topic, n }),
      state: 'memory',
    }),
  );
  const onAlarm = createOnAlarmHandler(localRunbookDeps(runtime, { config, clock: { now: () => T0 }, log: silentLog }));
  return { onAlarm, sent, subjects: () => sent.map((s) => s.n.subject) };
}

describe('a runbook on a schedule', () => {
  it('prechecks, acts, validates, and tells the action on the alerts topic; a retry of the same firing does nothing more', async () => {
    const t = await setup();
    const result = (await t.onAlarm(due, { awsRequestId: 'r-1' })) as RunbookResult;
    expect(result.steps.map((s) => `${s.step}: ${s.outcome}`)).toEqual([
      'precheck: passed',
      'act orders-api-restart: acted',
      'verify api-health: passed',
      'escalate: skipped',
    ]);
    expect(result.verdict).toBe('fixed');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    expect(t.sent.map((s) => s.topic)).toEqual(['local:vigil-alerts']);
    expect(t.subjects()[0]).toMatch(/^\[ACTION TAKEN\] ecs:prod\/orders-api: new deployment of prod\/orders-api started \(by vigil\)/);
    expect(t.sent[0]!.n.body).toContain('vigil ran orders-api-restart on the schedule of runbook weekly-refresh, for no incident.');

    const again = (await t.onAlarm(due, { awsRequestId: 'r-2' })) as RunbookResult;
    expect(again.verdict).toBe('fixed');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    expect(t.sent).toHaveLength(1);
  });

  it('does nothing when its precheck fails, and tells a human why', async () => {
    const t = await setup();
    api.healthy = false;
    const result = (await t.onAlarm(due)) as RunbookResult;
    expect(result.steps.map((s) => `${s.step}: ${s.outcome}`)).toEqual(['precheck: failed']);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(t.subjects()).toEqual([expect.stringMatching(/^\[NEEDS A HUMAN\] weekly-refresh: precheck failed, nothing was done: api-health fail: HTTP 503/)]);
  });

  it('hands over when the fix does not hold, on the alerts topic', async () => {
    const t = await setup();
    ecs.on(UpdateServiceCommand).callsFake(() => {
      api.healthy = false;
      return { service: service() };
    });
    const result = (await t.onAlarm(due)) as RunbookResult;
    expect(result.verdict).toBe('escalated');
    expect(t.subjects()).toEqual([
      expect.stringMatching(/^\[ACTION TAKEN\]/),
      expect.stringMatching(/^\[NEEDS A HUMAN\] weekly-refresh: the API is unhealthy after the weekly restart/),
    ]);
  });

  it('answers a firing for a runbook with no schedule with a clear error, and changes nothing', async () => {
    const t = await setup();
    await expect(t.onAlarm({ scheduledRunbook: 'monthly-vacuum', at: due.at })).rejects.toThrow(
      'no runbook "monthly-vacuum" runs on a schedule in this config',
    );
    expect(await t.onAlarm({ scheduledRunbook: 'weekly-refresh' })).toMatchObject({
      error: 'not a scheduled runbook event',
      problems: [expect.stringContaining('at')],
    });
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });
});

describe('a scheduled runbook in the config', () => {
  const config = (runbook: object, mode = 'auto') =>
    parseConfig({
      checks: [{ id: 'api-health', kind: 'http', target: 'https://api.example.com/health' }],
      remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode }],
      runbooks: [{ id: 'weekly', match: { schedule: { expression: 'cron(0 2 ? * SUN *)' } }, steps: [{ act: 'orders-api-restart' }], ...runbook }],
    });

  it('names what is wrong and how to fix it', () => {
    expect(() => config({ match: { schedule: { expression: 'every sunday' } } })).toThrow(
      /runbooks\[0\]\.match\.schedule\.expression.*cron\(0 2 15 \* \? \*\)/s,
    );
    expect(() => config({}, 'propose')).toThrow(/runbooks\[0\]\.steps\[0\]\.act.*waits for approval.*a scheduled run cannot get/s);
    expect(() => config({ steps: [{ act: 'orders-api-restart' }, { verify: {} }] })).toThrow(/runbooks\[0\]\.steps\[1\]\.verify\.check.*runs on a schedule/s);
    expect(() => config({ steps: [{ precheck: ['api-helth'] }, { act: 'orders-api-restart' }] })).toThrow(
      /runbooks\[0\]\.steps\[0\]\.precheck\[0\].*no check has id "api-helth"/s,
    );
    expect(config({}).runbooks[0]!.match.schedule).toEqual({ expression: 'cron(0 2 ? * SUN *)', timezone: 'UTC' });
  });
});

describe('a scheduled run that finds nothing to do', () => {
  const sqs = mockClient(SQSClient);
  const depth = { 'orders-dlq': 0, orders: 10 };
  beforeEach(() => {
    sqs.reset();
    sqs
      .on(GetQueueUrlCommand)
      .callsFake(({ QueueName }: { QueueName: string }) => ({ QueueUrl: `https://sqs.eu-west-1.amazonaws.com/123456789012/${QueueName}` }));
    sqs.on(GetQueueAttributesCommand).callsFake(({ QueueUrl }: { QueueUrl: string }) => {
      const name = QueueUrl.split('/').pop() as keyof typeof depth;
      return { Attributes: { QueueArn: `arn:aws:sqs:eu-west-1:123456789012:${name}`, ApproximateNumberOfMessages: String(depth[name]) } };
    });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'h' });
  });

  async function hourlyRedrive() {
    const config = parseConfig({
      checks: [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:${api.port}/health` }],
      remediations: [{ id: 'orders-dlq-redrive', kind: 'sqs-redrive', target: 'orders-dlq', destination: 'orders', mode: 'auto' }],
      runbooks: [{ id: 'hourly-redrive', match: { schedule: { expression: 'rate(1 hour)' } }, steps: [{ act: 'orders-dlq-redrive' }] }],
    });
    const sent: Notification[] = [];
    const runtime = keep(
      await startLocalRuntime({ config, clock: { now: () => T0 }, log: silentLog, onNotification: (_, n) => sent.push(n), state: 'memory' }),
    );
    const deps = localRunbookDeps(runtime, { config, clock: { now: () => T0 }, log: silentLog });
    const onAlarm = createOnAlarmHandler({ ...deps, aws: { ...deps.aws, sqs: new SdkSqs({ region: 'eu-west-1' }) } });
    return { run: (at: string) => onAlarm({ scheduledRunbook: 'hourly-redrive', at }) as Promise<RunbookResult>, sent };
  }

  it('ends quietly on an empty dead-letter queue, and tells the move when there is one', async () => {
    const t = await hourlyRedrive();
    depth['orders-dlq'] = 0;
    expect(await t.run('2026-11-23T03:00:00Z')).toMatchObject({
      verdict: 'skipped',
      steps: [{ outcome: 'refused', detail: expect.stringContaining('holds no message to move') }],
    });
    expect(t.sent).toEqual([]);
    depth['orders-dlq'] = 12;
    expect(await t.run('2026-11-23T04:00:00Z')).toMatchObject({ verdict: 'acted' });
    expect(t.sent.map((n) => n.subject)).toEqual([
      expect.stringMatching(/^\[ACTION TAKEN\] sqs:orders-dlq: move of 12 messages from orders-dlq to orders started/),
    ]);
  });
});
