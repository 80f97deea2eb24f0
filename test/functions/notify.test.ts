import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNotifyHandler } from '../../functions/notify/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import { decideHumanAction } from '../../shared/incidents/human.js';
import { policyFor } from '../../shared/incidents/policy.js';
import type { CheckState } from '../../shared/state/check-state.js';
import type { LocalDynamo } from '../../app/local/dynamo.js';
import { streamRecord } from '../../app/local/stream.js';
import { silentLog } from '../../shared/log.js';
import { SnsPublisher } from '../../shared/notifications/sns-publisher.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { freshTable, startLocalDynamo } from '../support/dynamo.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:vigil-alerts';
const ESCALATION = 'arn:aws:sns:eu-west-1:123456789012:vigil-escalations';
const sns = mockClient(SNSClient);
const config = parseConfig({
  checks: [
    {
      id: 'api-health',
      kind: 'http',
      target: 'https://api.example.com/health',
      severity: 'P1',
      tags: { service: 'api', team: 'platform' },
      runbook: 'Check the connection pool.',
    },
  ],
});
const check = config.checks[0]!;

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(() => dynamo.close());
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

async function setup() {
  const table = await freshTable(dynamo);
  const store = new DynamoStateStore(dynamo.doc, table);
  const handler = createNotifyHandler({
    config,
    store,
    publisher: new SnsPublisher({ region: 'eu-west-1' }),
    log: silentLog,
    topics: { main: TOPIC, escalation: ESCALATION },
    incidentsFunction: 'vigil-test-incidents',
  });
  return { store, handler };
}

/** The states an API outage goes through: failing, opened, escalated, acknowledged, resolved. */
function outage(): CheckState[] {
  const ctx = (minute: number) => ({ policy: policyFor(check, config), severity: check.severity, silence: undefined, now: minutesAfter(T0, minute) });
  const states: CheckState[] = [];
  let s: CheckState | undefined;
  for (const minute of [0, 1, 16]) {
    s = decideIncident(s, finding('fail', minutesAfter(T0, minute)), ctx(minute)) ?? s;
    states.push(s!);
  }
  states.push(decideHumanAction(s, { op: 'ack', incidentId: 'api-health/1', by: 'alice', reason: 'on it' }, minutesAfter(T0, 17)));
  s = states.at(-1);
  for (const minute of [18, 19]) {
    s = decideIncident(s, finding('ok', minutesAfter(T0, minute)), ctx(minute)) ?? s;
    states.push(s!);
  }
  return states;
}

function records(states: CheckState[]) {
  return states.map((s, i) => streamRecord(states[i - 1], s, i + 1));
}

const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

describe('notify handler', () => {
  it('sends exactly one notification per transition, and none for writes that are not transitions', async () => {
    const { handler } = await setup();
    const result = await handler({ Records: records(outage()) });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(published().map((p) => p.Subject)).toEqual([
      '[P1][OPEN] api-health: HTTP 503 (expected 200) for 2 checks',
      '[P1][ESCALATED] api-health: HTTP 503 (expected 200)',
      '[P1][ACK] api-health: HTTP 503 (expected 200)',
      '[P1][RESOLVED] api-health: HTTP 200 in 40 ms',
    ]);
  });

  it('writes a message an engineer can act on, with attributes subscribers can filter on', async () => {
    const { handler } = await setup();
    await handler({ Records: records(outage().slice(0, 2)) });
    const [opened] = published();
    expect(opened!.TopicArn).toBe(TOPIC);
    expect(opened!.Message).toBe(
      [
        'api-health is failing.',
        '',
        'Summary:   HTTP 503 (expected 200)',
        'Target:    https://api.example.com/health',
        'Severity:  P1 (respond within 15 min)',
        `Failing since: ${T0.toISOString()}`,
        'Observed:  statusCode=503',
        'Incident:  api-health/1 (open)',
        '',
        'Runbook:',
        'Check the connection pool.',
        '',
        'Acknowledge: invoke vigil-test-incidents from the Lambda console with',
        '  {"op":"ack","incident":"api-health/1","by":"your-name","reason":"looking into it"}',
        '',
        'Deduplication key: api-health/1#1',
      ].join('\n'),
    );
    expect(opened!.MessageAttributes).toEqual({
      dedupKey: { DataType: 'String', StringValue: 'api-health/1#1' },
      severity: { DataType: 'String', StringValue: 'P1' },
      state: { DataType: 'String', StringValue: 'open' },
      transition: { DataType: 'String', StringValue: 'opened' },
      checkId: { DataType: 'String', StringValue: 'api-health' },
      service: { DataType: 'String', StringValue: 'api' },
      tags: { DataType: 'String.Array', StringValue: '["service=api","team=platform"]' },
    });
  });

  it('sends escalations to the escalation topic', async () => {
    const { handler } = await setup();
    await handler({ Records: records(outage().slice(0, 3)) });
    expect(published().map((p) => p.TopicArn)).toEqual([TOPIC, ESCALATION]);
  });

  it('publishes once when the stream delivers the same record twice', async () => {
    const { handler } = await setup();
    const batch = records(outage().slice(0, 2));
    await handler({ Records: batch });
    await handler({ Records: batch });
    await handler({ Records: [batch[1]!] });
    expect(published()).toHaveLength(1);
  });

  it('reports an SNS failure as a batch item failure, then sends it on the retry', async () => {
    const { handler, store } = await setup();
    const batch = records(outage());
    sns.on(PublishCommand).rejectsOnce(new Error('Throttling: Rate exceeded')).resolves({ MessageId: 'm-2' });
    const first = await handler({ Records: batch });
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: batch[1]!.dynamodb!.SequenceNumber }] });

    // Lambda retries from the failed record on.
    const second = await handler({ Records: batch.slice(1) });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(published().map((p) => p.Subject?.slice(0, 14))).toEqual(['[P1][OPEN] api', '[P1][OPEN] api', '[P1][ESCALATED', '[P1][ACK] api-', '[P1][RESOLVED]']);
    const timeline = await store.getTimeline('api-health/1');
    expect(timeline.filter((e) => e.kind === 'notified')).toHaveLength(4);
  });

  it('keeps the timeline and the incident record: every transition and notification, who and why', async () => {
    const { handler, store } = await setup();
    await handler({ Records: records(outage()) });
    const timeline = await store.getTimeline('api-health/1');
    expect(timeline.map((e) => `${e.kind} by ${e.by}${e.reason ? `: ${e.reason}` : ''}`)).toEqual([
      'opened by vigil',
      'notified by vigil',
      'escalated by vigil: not acknowledged within 15 minutes',
      'notified by vigil',
      'acknowledged by alice: on it',
      'notified by vigil',
      'resolved by vigil: recovered: HTTP 200 in 40 ms',
      'notified by vigil',
    ]);
    expect(await store.getIncident('api-health/1')).toMatchObject({ state: 'resolved', acknowledgedBy: 'alice', resolvedBy: 'vigil' });
  });

  it('sends nothing for a silenced incident but records why on its timeline', async () => {
    const { handler, store } = await setup();
    const ctx = (minute: number) => ({
      policy: policyFor(check, config),
      severity: check.severity,
      silence: { id: 's', reason: 'Sunday maintenance', checks: ['api-health'] },
      now: minutesAfter(T0, minute),
    });
    const a = decideIncident(undefined, finding('fail', T0), ctx(0))!;
    const b = decideIncident(a, finding('fail', minutesAfter(T0, 1)), ctx(1))!;
    await handler({ Records: records([a, b]) });
    expect(published()).toEqual([]);
    expect((await store.getTimeline('api-health/1')).map((e) => `${e.kind}: ${e.summary}`)).toEqual([
      'opened: HTTP 503 (expected 200)',
      'not-notified: silenced: Sunday maintenance',
    ]);
  });

  it("sends the resolution of an incident silenced after its page, so the pager's page closes; not of one never paged", async () => {
    const { handler } = await setup();
    const ctx = (minute: number, silence?: { id: string; reason: string; checks: string[] }) => ({
      policy: policyFor(check, config),
      severity: check.severity,
      silence,
      now: minutesAfter(T0, minute),
    });
    const a = decideIncident(undefined, finding('fail', T0), ctx(0))!;
    const opened = decideIncident(a, finding('fail', minutesAfter(T0, 1)), ctx(1))!;
    const until = minutesAfter(T0, 60).toISOString();
    const silenced = decideHumanAction(opened, { op: 'silence', incidentId: 'api-health/1', by: 'alice', reason: 'deploying', until }, minutesAfter(T0, 2));
    const held = { id: 'operator:api-health', reason: 'deploying', checks: ['api-health'] };
    const c = decideIncident(silenced, finding('ok', minutesAfter(T0, 3)), ctx(3, held))!;
    const resolved = decideIncident(c, finding('ok', minutesAfter(T0, 4)), ctx(4, held))!;
    await handler({ Records: records([a, opened, silenced, c, resolved]) });
    expect(published().map((p) => p.Subject)).toEqual([
      expect.stringMatching(/^\[P1\]\[OPEN\] api-health/),
      expect.stringMatching(/^\[P1\]\[SILENCED\] api-health/),
      expect.stringMatching(/^\[P1\]\[RESOLVED\] api-health/),
    ]);

    // Opened silenced (a maintenance window): nothing was paged, so its resolution is not either.
    sns.resetHistory();
    const quiet = await setup();
    const window = { id: 'w', reason: 'Sunday maintenance', checks: ['api-health'] };
    const states = [0, 1, 2, 3].map((m) => m);
    let state: CheckState | undefined;
    const written: CheckState[] = [];
    for (const minute of states) {
      state = decideIncident(state, finding(minute < 2 ? 'fail' : 'ok', minutesAfter(T0, minute)), ctx(minute, window)) ?? state;
      written.push(state!);
    }
    await quiet.handler({ Records: records(written) });
    expect(state!.incident).toMatchObject({ state: 'resolved', silenced: true });
    expect(published()).toEqual([]);
  });
});
