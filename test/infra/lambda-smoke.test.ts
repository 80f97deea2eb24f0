import { createServer, type AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthFunctions, type BuiltFunction } from '../support/lambda/built.js';
import { NODE_22 } from '../support/node22.js';
import { loadConfigFile } from '../../shared/config/load.js';
import { createStateTable, startLocalDynamo, type LocalDynamo } from '../../app/local/dynamo.js';
import { FakeEcs } from '../support/wire/fake-ecs.js';
import { FakeRds } from '../support/wire/fake-rds.js';
import { FakeDocdb } from '../support/wire/fake-docdb.js';
import { FakeEvents } from '../support/wire/fake-events.js';
import { FakeS3 } from '../support/wire/fake-s3.js';
import { FakeLambdaEvents } from '../support/wire/fake-lambda-events.js';
import { FakeSns } from '../support/wire/fake-sns.js';
import { fakeSecrets } from '../support/wire/fake-secrets.js';
import { FakeAutoscaling } from '../support/wire/fake-autoscaling.js';
import { FakeCloudfront } from '../support/wire/fake-cloudfront.js';
import { FakeSqs } from '../support/wire/fake-sqs.js';
import { FakeWaf } from '../support/wire/fake-waf.js';
import { FakeScheduler } from '../support/wire/fake-scheduler.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { fakeCloudWatch } from '../support/wire/fake-cloudwatch.js';
import { fakeElb } from '../support/wire/fake-elb.js';
import { fakeLogs } from '../support/wire/fake-logs.js';
import { fakeAcm } from '../support/wire/fake-acm.js';
import { forwardTo, serve, type ServiceName } from '../support/wire/serve.js';
import type { Service } from '../support/wire/faulty-handler.js';

// Each function as Lambda runs it: its built asset, loaded by its Handler property in a fresh Node.js 22
// process, invoked with the sample events and the schedules' exact Input; DynamoDB, SNS, ECS and RDS answer
// on loopback, and every call they receive must be one the function's role allows.

const run = promisify(execFile);
const INVOKE = fileURLToPath(new URL('../support/lambda/invoke-asset.mjs', import.meta.url));
const EVENTS = fileURLToPath(new URL('../../events/', import.meta.url));
const TABLE = 'vigil-smoke';
const HEARTBEAT_TOKEN = 'smoke-heartbeat-token-4Kq9zW2mX7pL';
// Every secret the sample names, so no check is an error for want of one.
const SECRETS = new Map([
  ['vigil-smoke/heartbeat/billing-db-backup', HEARTBEAT_TOKEN],
  ['billing-db-vigil', JSON.stringify({ username: 'vigil', password: 'smoke-billing-Pw-1' })],
  ['orders-cache-auth', 'smoke-cache-Pw-2'],
  ['orders-synthetic-api-key', 'smoke-api-key-3'],
  ['lendpeak-docdb-vigil', JSON.stringify({ username: 'vigil', password: 'smoke-docdb-Pw-4' })],
]);

type Fn = BuiltFunction;

let functions: Fn[];
let config: Awaited<ReturnType<typeof loadConfigFile>>;
let schedules: { target: string; input: unknown }[];
let local: LocalDynamo;
const calls: string[] = [];
let servers: { url: string; close(): Promise<void> }[];
let endpoints: Record<string, string>;
const s3 = new FakeS3();
// Another region's probe function, asked by run-checks at home: its built asset, run as Lambda would in that region.
const lambda = new FakeLambdaEvents(async (_name, region, payload) => {
  const fn = functions.find((f) => f.id.endsWith(`@${region}`));
  if (!fn) return { threw: `no function in ${region}` };
  const { result } = await invoke(fn, payload, { AWS_REGION: region });
  return { returned: result };
});
const sqs = new FakeSqs();
const scheduler = new FakeScheduler();
const rds = new FakeRds('reports-aurora');

beforeAll(async () => {
  config = await loadConfigFile('vigil.config.ts');
  ({ functions, schedules } = synthFunctions(config, 'Smoke', TABLE));

  local = await startLocalDynamo();
  await createStateTable(local.client, TABLE);
  const services: [ServiceName, Service, string][] = [
    ['dynamodb', forwardTo(local.endpoint), 'DYNAMODB'],
    ['sns', new FakeSns().handler, 'SNS'],
    ['ecs', new FakeEcs().handler, 'ECS'],
    ['rds', rds.handler, 'RDS'],
    // DocumentDB's calls are authorised as RDS's (`rds:` actions): recorded so, each is held to the role as IAM holds it.
    ['rds', new FakeDocdb().handler, 'DOCDB'],
    ['secretsmanager', fakeSecrets(SECRETS), 'SECRETS_MANAGER'],
    ['cloudwatch', fakeCloudWatch(), 'CLOUDWATCH'],
    ['logs', fakeLogs(['ERROR upstream timed out'], [{ 'httpRequest.clientIp': '203.0.113.7', hits: '900' }]), 'CLOUDWATCH_LOGS'],
    ['elasticloadbalancing', fakeElb(), 'ELASTIC_LOAD_BALANCING_V2'],
    ['application-autoscaling', new FakeAutoscaling().handler, 'APPLICATION_AUTO_SCALING'],
    ['cloudfront', new FakeCloudfront().handler, 'CLOUDFRONT'],
    ['events', new FakeEvents().handler, 'EVENTBRIDGE'],
    ['s3', s3.handler, 'S3'],
    ['lambda', lambda.handler, 'LAMBDA'],
    ['acm', fakeAcm(['api.example.com']), 'ACM'],
    ['sqs', sqs.handler, 'SQS'],
    ['wafv2', new FakeWaf().handler, 'WAFV2'],
    ['scheduler', scheduler.handler, 'SCHEDULER'],
  ];
  servers = await Promise.all(services.map(([name, service]) => serve(name, service, calls)));
  // The SDK's environment variable of each service's endpoint: AWS_ENDPOINT_URL_<its id>.
  endpoints = Object.fromEntries(services.map(([, , id], i) => [`AWS_ENDPOINT_URL_${id}`, servers[i]!.url]));
  sqs.queueUrlBase = endpoints.AWS_ENDPOINT_URL_SQS!;
}, 240_000);

/** The smoke table, emptied: dropped and made again. */
async function freshTable() {
  await local.client.send(new DeleteTableCommand({ TableName: TABLE }));
  await createStateTable(local.client, TABLE);
}

afterAll(async () => {
  await Promise.all(servers?.map((s) => s.close()) ?? []);
  await local?.close();
});

async function invoke(fn: Fn, event: unknown, env: Record<string, string> = {}): Promise<{ result: unknown; calls: string[] }> {
  const before = calls.length;
  const { stdout } = await run(NODE_22!, [INVOKE, fn.asset, fn.handler, JSON.stringify(event)], {
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      ...fn.environment,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'smoke',
      AWS_SECRET_ACCESS_KEY: 'smoke',
      AWS_LAMBDA_FUNCTION_NAME: fn.id,
      ...endpoints,
      ...env,
    },
  });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${fn.id} printed no result:\n${stdout}`);
  return { result: JSON.parse(line.slice('RESULT '.length)), calls: calls.slice(before) };
}

/** A port nothing listens on: one the system gave out, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The IAM action a recorded call needs: `dynamodb PutItem RUN` needs dynamodb:PutItem. */
const actionOf = (site: string) => {
  const [service, operation] = site.split(' ');
  return `${service}:${operation}`;
};

const fnFor = (prefix: string) => functions.find((f) => f.id.startsWith(prefix) && !f.id.startsWith(`${prefix}Vpc`))!;
const sample = (name: string) => JSON.parse(readFileSync(join(EVENTS, name), 'utf8'));
const samplesOf = (prefix: string) =>
  readdirSync(EVENTS)
    .filter((f) => f.startsWith(prefix))
    .sort();

describe.skipIf(!NODE_22)('each built function, as Lambda loads it on Node.js 22', () => {
  it('runs on Node.js 22', async () => {
    const { stdout } = await run(NODE_22!, ['--version']);
    expect(stdout.trim()).toMatch(/^v22\./);
  });

  it("publishes the stream record's notification through its role's sns:Publish, hands it off to EventBridge, writes the status page, and a second delivery of it sends nothing", async () => {
    const first = await invoke(fnFor('NotifierFunction'), sample('notify-stream.json'));
    expect(first.calls.filter((c) => c === 'sns Publish' || c === 'events PutEvents')).toEqual(['sns Publish', 'events PutEvents']);
    // The status page, drawn again and written to its bucket, each file as it is served.
    expect(first.calls.filter((c) => c === 's3 PutObject')).toHaveLength(3);
    const index = [...s3.objects].find(([key]) => key.endsWith('/index.html'))?.[1];
    expect([index?.contentType, index?.contentEncoding]).toEqual(['text/html; charset=utf-8', 'gzip']);
    expect(index?.body).toContain('<p class="banner s-major" role="status">Partial System Outage</p>');
    const again = await invoke(fnFor('NotifierFunction'), sample('notify-stream.json'));
    expect(again.calls).not.toContain('sns Publish');
    expect(again.calls).not.toContain('events PutEvents');
  });

  it.each([
    ['RunChecks', 'run-checks'],
    ['AlarmsOnAlarm', 'alarm-'],
    ['NotifierFunction', 'notify-'],
    ['AlarmsRemediate', 'remediate-'],
    ['Incidents', 'incidents-'],
  ])(
    '%s answers every sample event, and every AWS call it makes is one its role allows',
    async (prefix, events) => {
      const fn = fnFor(prefix);
      // Each function's samples on a table of their own: an incident another function's samples opened would make a manual run wait out its verify.
      await freshTable();
      for (const name of samplesOf(events)) {
        const { result, calls } = await invoke(fn, sample(name));
        expect(result, name).not.toBeNull();
        const denied = calls.map(actionOf).filter((a) => !fn.allowed.has(a));
        expect(denied, `${name}: calls its role does not allow`).toEqual([]);
      }
    },
    120_000,
  );

  it("runs the sample's check that names regions from each: built run-checks asks each region's built probe function, within its role, and judges by quorum", async () => {
    const fn = fnFor('RunChecks');
    const { result, calls } = await invoke(fn, { checks: ['shop-assets-cached'], dryRun: true });
    expect(lambda.asked.map((a) => [a.functionName, a.region, a.payload])).toEqual(
      expect.arrayContaining([
        ['vigil-smoke-probe', 'us-east-1', { checks: ['shop-assets-cached'] }],
        ['vigil-smoke-probe', 'ap-southeast-1', { checks: ['shop-assets-cached'] }],
      ]),
    );
    const [finding] = (result as { findings: { summary: string }[] }).findings;
    // Every region reported: whatever the shop answered here, no region is missing from the verdict.
    expect(finding!.summary).not.toContain('could not report');
    expect(finding!.summary).toMatch(/from 3 regions|of 3 regions/);
    expect(calls).toContain('lambda InvokeFunction');
    expect(calls.map(actionOf).filter((a) => !fn.allowed.has(a))).toEqual([]);
  });

  it("records a job's report through the heartbeat function URL, with the token from Secrets Manager, and refuses a wrong one", async () => {
    const fn = fnFor('HeartbeatsFunction');
    const report = (token: string) => ({
      rawPath: '/billing-db-backup',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ message: 'backup finished' }),
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST' } },
    });
    const ok = await invoke(fn, report(HEARTBEAT_TOKEN));
    expect(ok.result).toMatchObject({ statusCode: 200 });
    expect(ok.calls).toEqual(['secretsmanager GetSecretValue', 'dynamodb PutItem HEARTBEAT']);
    expect(ok.calls.map(actionOf).filter((a) => !fn.allowed.has(a))).toEqual([]);
    const refused = await invoke(fn, report('not-the-token'));
    expect(refused.result).toMatchObject({ statusCode: 401 });
    expect(refused.calls.filter((c) => c.startsWith('dynamodb'))).toEqual([]);
  });

  it('answers hostile input at the public heartbeat URL plainly: never which heartbeats exist, never a crash, never a report it cannot read', async () => {
    const fn = fnFor('HeartbeatsFunction');
    const post = (rawPath: string, body: string | undefined, token = HEARTBEAT_TOKEN) => ({
      rawPath,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { body }),
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST' } },
    });
    const unknown = (await invoke(fn, post('/weekly-reindex', undefined))).result as { statusCode: number; body: string };
    const wrongToken = (await invoke(fn, post('/billing-db-backup', undefined, 'not-the-token'))).result as { statusCode: number; body: string };
    expect(unknown).toEqual(wrongToken);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).not.toContain('weekly-reindex');

    const malformed = (await invoke(fn, post('/nightly%E0%A4%A-backup', undefined))).result as { statusCode: number; body: string };
    expect(malformed).toMatchObject({ statusCode: 400, body: expect.stringMatching(/path/) });

    for (const body of ['null', '"ok"', '["ok","fine"]', '42']) {
      const answer = (await invoke(fn, post('/billing-db-backup', body))).result as { statusCode: number; body: string };
      expect(answer, body).toMatchObject({ statusCode: 400, body: expect.stringMatching(/a JSON object/) });
      expect(answer.body).not.toMatch(/Unrecognized keys/);
    }
  });

  it("dispatches every schedule's exact Input, and runs each event it queued in its run-checks function: every check once, every kind loads and reaches its service, and no check is an error", async () => {
    const ticks = schedules.filter((s) => s.target.startsWith('Dispatch'));
    expect(ticks.length).toBeGreaterThan(0);
    const errors: string[] = [];
    const ran: string[] = [];
    const kindsSeen = new Set<string>();
    for (const schedule of ticks) {
      const dispatch = functions.find((f) => f.id === schedule.target)!;
      const before = lambda.queued.length;
      const dispatched = await invoke(dispatch, schedule.input);
      expect(dispatched.result).toMatchObject({ tick: (schedule.input as { tick: string }).tick, failed: [] });
      expect(dispatched.calls.map(actionOf).filter((a) => !dispatch.allowed.has(a))).toEqual([]);
      for (const { functionName, payload } of lambda.queued.slice(before)) {
        const fn = functions.find((f) => f.id === functionName)!;
        const { result, calls } = await invoke(fn, payload);
        expect(result).toMatchObject({ ran: (payload as { checks: string[] }).checks.length });
        for (const f of (result as { findings: { checkId: string; status: string; summary: string }[] }).findings) {
          ran.push(f.checkId);
          kindsSeen.add(config.checks.find((c) => c.id === f.checkId)!.kind);
          // The sample's own hosts do not resolve here: those checks fail. An error is Vigil's: a chunk that cannot load, a call it cannot make.
          if (f.status === 'error') errors.push(`${f.checkId}: ${f.summary}`);
        }
        expect(calls.map(actionOf).filter((a) => !fn.allowed.has(a))).toEqual([]);
        // The RDS check's calls reached the fake (its client is in this function's bundle) and its role allows them.
        if ((payload as { checks: string[] }).checks.includes('orders-db-status'))
          expect(calls).toEqual(expect.arrayContaining(['rds DescribeDBInstances', 'rds DescribePendingMaintenanceActions']));
      }
    }
    expect(errors).toEqual([]);
    expect(ran.sort()).toEqual(
      config.checks
        .filter((c) => c.enabled)
        .map((c) => c.id)
        .sort(),
    );
    expect([...kindsSeen].sort()).toEqual([...new Set(config.checks.filter((c) => c.enabled).map((c) => c.kind))].sort());
  }, 180_000);

  it("runs each scheduled runbook's exact Input in on-alarm, as the Scheduler fills in its due time, and tells the outcome within its role", async () => {
    const runbooks = schedules.filter((s) => s.target.startsWith('AlarmsOnAlarm'));
    expect(runbooks.length).toBeGreaterThan(0);
    const fn = fnFor('AlarmsOnAlarm');
    for (const schedule of runbooks) {
      const input = JSON.parse(JSON.stringify(schedule.input).replace('<aws.scheduler.scheduled-time>', '2026-12-15T02:00:00Z'));
      const { result, calls } = await invoke(fn, input);
      if (input.scheduledRunbook.endsWith('-daily-restore-test')) {
        // The restore begins, is told, and the run sleeps until its first look at the copy.
        expect(result).toMatchObject({ verdict: 'acted', waitingUntil: expect.any(String) });
        expect(calls).toEqual(expect.arrayContaining(['sns Publish', 'scheduler CreateSchedule']));
        expect(calls.filter((c) => / Restore/.test(c))).toHaveLength(1);
      } else {
        // The sample's database does not resolve here: its precheck cannot see, so nothing is done and a human is told on the alerts topic.
        expect(result).toMatchObject({ runbook: input.scheduledRunbook, verdict: 'escalated', steps: [{ step: 'precheck', outcome: 'failed' }] });
        expect(calls).toContain('sns Publish');
      }
      expect(calls.map(actionOf).filter((a) => !fn.allowed.has(a))).toEqual([]);
    }
  });

  it("tests the sample's restored copy from the built on-alarm: its pg check, pointed at the copy, and the copy deleted, within its role", async () => {
    const fn = fnFor('AlarmsOnAlarm');
    const [id, copy] = [...rds.copies].find(([name]) => name.startsWith('vigil-restore-billing-db-'))!;
    // Available, at an address where nothing listens: the check cannot see, so the test fails, and a person hears of it.
    Object.assign(copy, { status: 'available', endpoint: { host: '127.0.0.1', port: await closedPort() } });
    // The run's next look is due: its wake-up has come.
    const runId = 'scheduled#billing-db-daily-restore-test#2026-12-15T02:00:00.000Z';
    const runs = new DynamoStateStore(local.doc, TABLE);
    const asleep = (await runs.getRun(runId))!;
    await runs.putRun({ ...asleep, version: asleep.version + 1, waitUntil: '2026-01-01T00:00:00.000Z' }, asleep.version);
    const { result, calls } = await invoke(fn, { wakeRun: runId });
    expect(result).toMatchObject({ verdict: 'escalated', steps: expect.arrayContaining([expect.objectContaining({ outcome: 'failed' })]) });
    expect((result as { steps: { detail: string }[] }).steps.at(-1)!.detail).toMatch(
      new RegExp(
        `^restore test failed: .* restored to ${id}, .*; billing-events-gaps fail: cannot measure query: connection refused \\(ECONNREFUSED\\); copy deleted$`,
      ),
    );
    expect(copy.status).toBe('deleting');
    expect(calls).toEqual(expect.arrayContaining(['rds AddTagsToResource', 'rds DeleteDBInstance', 'sns Publish']));
    expect(calls.map(actionOf).filter((a) => !fn.allowed.has(a))).toEqual([]);
  });

  it("puts a run to sleep at the sample's wait step: the built on-alarm loads its Scheduler client and asks for the wake-up, within its role", async () => {
    await freshTable();
    // The dead-letter runbook, its redrive done and its next step the quarter of an hour's wait, taken over from a dead attempt.
    const id = 'check#orders-dlq-depth/1#1';
    await new DynamoStateStore(local.doc, TABLE).putRun(
      {
        id,
        version: 1,
        runbook: 'orders-dlq-reprocess',
        eventId: 'smoke-wait',
        next: 2,
        steps: [
          { step: 'diagnose', outcome: 'done', detail: 'orders-worker-errors ok', durationMs: 1 },
          { step: 'act orders-dlq-redrive', outcome: 'acted', detail: 'move of 12 messages from orders-dlq to orders started', durationMs: 1 },
        ],
        verdict: 'acted',
        acted: { remediation: 'orders-dlq-redrive', targetKey: 'sqs:orders-dlq' },
        status: 'running',
        lease: { holder: 'a dead attempt', until: '2026-01-01T00:00:00.000Z' },
        attempts: 1,
        startedAt: '2026-01-01T00:00:00.000Z',
      },
      undefined,
    );
    const fn = fnFor('AlarmsOnAlarm');
    const { result, calls } = await invoke(fn, { wakeRun: id });
    expect(result).toMatchObject({ runbook: 'orders-dlq-reprocess', waitingUntil: expect.any(String) });
    expect(calls).toContain('scheduler CreateSchedule');
    expect(calls.map(actionOf).filter((a) => !fn.allowed.has(a))).toEqual([]);
    const wake = [...scheduler.schedules.values()].find((w) => JSON.stringify(w.Target).includes(id));
    expect(wake).toMatchObject({
      ScheduleExpression: expect.stringMatching(/^at\(/),
      ActionAfterCompletion: 'DELETE',
      Target: { Input: JSON.stringify({ wakeRun: id }) },
    });
  });

  it('plans every remediation of the sample in its built remediate function (a dry run), each reaching its service', async () => {
    const fn = fnFor('AlarmsRemediate');
    const broken: string[] = [];
    for (const r of config.remediations) {
      const { result, calls } = await invoke(fn, { remediation: r.id });
      const { outcome, detail } = result as { outcome: string; detail: string };
      // A database remediation cannot reach the sample's hosts here; an AWS one must plan against its fake.
      const reachesAws = !['pg-', 'redis-', 'mongo-'].some((p) => r.kind.startsWith(p));
      if (!outcome?.startsWith('would') || (reachesAws && outcome === 'would refuse') || /not in Vigil's Lambda bundle|built without the/.test(detail ?? ''))
        broken.push(`${r.id}: ${outcome}: ${detail}`);
      expect(
        calls.map(actionOf).filter((a) => !fn.allowed.has(a)),
        r.id,
      ).toEqual([]);
    }
    expect(broken).toEqual([]);
  }, 180_000);
});
