import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  ResourceNotFoundException,
  StartQueryCommand,
  StopQueryCommand,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkLogs } from '../../shared/aws/logs.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { knownSecrets } from '../../shared/secrets/mask.js';
import { fixedClock, runOne } from '../support/checks.js';

const logs = mockClient(CloudWatchLogsClient);
const aws = { logs: new SdkLogs({ region: 'eu-west-1' }, 1) } as unknown as AwsPorts;
const NOW = new Date('2026-11-23T09:00:00Z');
const run = (extra: object) => runOne({ kind: 'logs', target: '/ecs/orders-api', ...extra } as never, { aws, clock: fixedClock(NOW) });

// Shapes as the CloudWatch Logs API reference documents FilterLogEvents and GetQueryResults.
const event = (secondsAgo: number, message: string): FilteredLogEvent => ({
  logStreamName: 'ecs/orders-api/0f1e2d3c',
  timestamp: NOW.getTime() - secondsAgo * 1000,
  message,
  ingestionTime: NOW.getTime(),
  eventId: `e-${secondsAgo}`,
});

beforeEach(() => logs.reset());

describe('logs probe: a filter pattern', () => {
  it('counts matches over the window, across pages, and shows the newest lines first', async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        events: [event(280, 'ERROR connect ECONNREFUSED 10.0.3.7:5432'), event(200, 'ERROR connect ECONNREFUSED 10.0.3.7:5432')],
        nextToken: 'n2',
      })
      .resolvesOnce({ events: [event(30, 'ERROR payment gateway timeout after 3000 ms')] });
    const finding = await run({ pattern: 'ERROR' });
    expect(finding).toMatchObject({
      status: 'warn',
      summary: '3 matching events in 5 min; newest: ERROR payment gateway timeout after 3000 ms',
      observed: { matches: 3 },
    });
    expect((finding.evidence!.newest as { message: string }[]).map((l) => l.message)).toEqual([
      'ERROR payment gateway timeout after 3000 ms',
      'ERROR connect ECONNREFUSED 10.0.3.7:5432',
      'ERROR connect ECONNREFUSED 10.0.3.7:5432',
    ]);
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input).toEqual({
      logGroupName: '/ecs/orders-api',
      filterPattern: 'ERROR',
      startTime: NOW.getTime() - 300_000,
      endTime: NOW.getTime(),
      limit: 10_000,
    });
  });

  it('passes a quiet window, and fails at the threshold', async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    expect(await run({ pattern: '"authentication failed"' })).toMatchObject({ status: 'ok', summary: '0 matching events in 5 min' });
    logs.on(FilterLogEventsCommand).resolves({ events: Array.from({ length: 12 }, (_, i) => event(i, 'authentication failed for user "orders"')) });
    expect(await run({ pattern: '"authentication failed"' })).toMatchObject({ status: 'fail', observed: { matches: 12 } });
  });

  it('stops reading at maxEvents and says the count is a lower bound', async () => {
    logs
      .on(FilterLogEventsCommand)
      .callsFake((input) => ({ events: Array.from({ length: input.limit }, (_, i) => event(i % 300, 'ERROR')), nextToken: 'more' }));
    const finding = await run({ pattern: 'ERROR', maxEvents: 25 });
    expect(finding).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^25\+ matching events in 5 min/),
      evidence: { capped: 'stopped after 25 events' },
    });
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(1);
    expect((finding.evidence!.newest as unknown[]).length).toBe(5);
  });

  it('masks a secret in a line before cutting it, so no piece survives', async () => {
    const secret = 'pw-Zq8vR2mK7xLs4Nd';
    knownSecrets.add(secret);
    const long = `${'x'.repeat(290)} password=${secret}`;
    logs.on(FilterLogEventsCommand).resolves({ events: [event(5, long), event(6, `ERROR login as orders:${secret}@db`)] });
    const finding = await run({ pattern: 'ERROR' });
    const shown = JSON.stringify(finding);
    for (let i = 0; i + 8 <= secret.length; i++) expect(shown).not.toContain(secret.slice(i, i + 8));
  });

  it('is an error naming the group when it does not exist', async () => {
    logs.on(FilterLogEventsCommand).rejects(new ResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: {} }));
    expect(await run({ pattern: 'ERROR' })).toMatchObject({
      status: 'error',
      summary: expect.stringContaining('log group /ecs/orders-api not found: check the name and the region'),
    });
  });

  it('takes exactly one of pattern or query', async () => {
    await expect(run({})).rejects.toThrow(/checks\[0\]\.pattern: give one of "pattern" \(a filter pattern\) or "query" \(Logs Insights\)/);
    await expect(run({ pattern: 'ERROR', query: 'filter @message like /ERROR/' })).rejects.toThrow(/give one of/);
  });
});

describe('logs probe: a Logs Insights query', () => {
  const row = (ts: string, message: string) => [
    { field: '@timestamp', value: ts },
    { field: '@message', value: message },
    { field: '@ptr', value: 'CmAKJgoiMTIzNDU2Nzg5MDEyOi9lY3Mvb3JkZXJzLWFwaRAA' },
  ];

  it('polls until complete and counts what the query matched, with the bytes it scanned and what that cost', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: 'Scheduled', results: [] })
      .resolvesOnce({ status: 'Running', results: [], statistics: { recordsMatched: 1, recordsScanned: 100, bytesScanned: 1000 } })
      .resolvesOnce({
        status: 'Complete',
        results: [row('2026-11-23 08:59:12.345', 'ERROR upstream connect error or disconnect/reset before headers')],
        statistics: { recordsMatched: 17, recordsScanned: 48_210, bytesScanned: 2_000_000_000 },
      });
    const finding = await run({ query: 'filter @message like /ERROR/' });
    expect(finding).toMatchObject({
      status: 'fail',
      summary: '17 matching events in 5 min; newest: ERROR upstream connect error or disconnect/reset before headers',
      observed: { matches: 17, bytesScanned: 2_000_000_000 },
      evidence: { costUsd: 0.01 },
    });
    expect((finding.evidence!.newest as { at: string }[])[0]!.at).toBe('2026-11-23T08:59:12.345Z');
    expect(logs.commandCalls(StartQueryCommand)[0]!.args[0].input).toEqual({
      logGroupName: '/ecs/orders-api',
      queryString: 'filter @message like /ERROR/ | sort @timestamp desc | limit 5',
      startTime: NOW.getTime() / 1000 - 300,
      endTime: NOW.getTime() / 1000,
    });
  });

  it('is an error when the query fails, and stops a query the check gave up on', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-2' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Failed' });
    expect(await run({ query: 'filter @message like /ERROR' })).toMatchObject({
      status: 'error',
      summary: expect.stringContaining('Logs Insights query failed: check the query'),
    });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Running' });
    logs.on(StopQueryCommand).resolves({ success: true });
    expect(await run({ query: 'filter @message like /ERROR/', timeoutMs: 200 })).toMatchObject({ status: expect.stringMatching(/fail|error/) });
    expect(logs.commandCalls(StopQueryCommand).map((c) => c.args[0].input)).toEqual([{ queryId: 'q-2' }]);
  });
});

describe('logs probe under throttling', () => {
  it('is an error, not a quiet window, while CloudWatch Logs throttles', async () => {
    logs.on(FilterLogEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    expect(await run({ pattern: 'ERROR' })).toMatchObject({ status: 'error', summary: expect.stringContaining('Rate exceeded') });
  });
});
