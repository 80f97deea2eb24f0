import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { REQUEST_TIMEOUTS } from '../../../shared/aws/timeouts.js';
import { createStateTable, type LocalDynamo } from '../../../app/local/dynamo.js';
import { FakeEcs } from './fake-ecs.js';
import { FakeDocdb } from './fake-docdb.js';
import { FakeRds } from './fake-rds.js';
import { FakeAutoscaling } from './fake-autoscaling.js';
import { FakeCloudfront } from './fake-cloudfront.js';
import { FakeSqs } from './fake-sqs.js';
import { FakeWaf } from './fake-waf.js';
import { fakeLogs } from './fake-logs.js';
import { FakeSns } from './fake-sns.js';
import { FakeEvents } from './fake-events.js';
import { FakeSsm } from './fake-ssm.js';
import { FakeScheduler } from './fake-scheduler.js';
import { FaultyHandler, overHttp, type Fault, type Service } from './faulty-handler.js';

let tables = 0;
let invocations = 0;

/** Everything one scenario's Lambda attempts share: the table, the services, the clock, the faults. */
export class World {
  readonly ecs = new FakeEcs();
  readonly sns = new FakeSns();
  readonly events = new FakeEvents();
  readonly ssm = new FakeSsm();
  readonly docdb = new FakeDocdb();
  readonly rds = new FakeRds();
  readonly autoscaling = new FakeAutoscaling();
  readonly cloudfront = new FakeCloudfront();
  readonly sqs = new FakeSqs(() => this.now);
  readonly waf = new FakeWaf();
  readonly scheduler = new FakeScheduler();
  /** WAF's logs, as a query of the busiest addresses reads them. */
  readonly logs = fakeLogs([], [{ 'httpRequest.clientIp': '203.0.113.7', hits: '900' }]);
  /** What DynamoDB Streams would carry: one record per check-state write the table applied, in order. */
  readonly stream: DynamoDBRecord[] = [];
  /** Every fault that was injected, by site. */
  readonly injected: { site: string; fault: Fault }[] = [];
  private readonly counts = new Map<string, number>();
  private readonly images = new Map<string, Record<string, AttributeValue>>();
  private readonly dynamoWire = overHttp();
  now: Date;

  private constructor(
    readonly local: LocalDynamo,
    readonly table: string,
    start: Date,
    public pick: (site: string, n: number) => Fault | undefined,
  ) {
    this.now = start;
  }

  static async create(local: LocalDynamo, start: Date, pick: (site: string, n: number) => Fault | undefined = () => undefined): Promise<World> {
    const table = `vigil-wire-${++tables}`;
    await createStateTable(local.client, table);
    return new World(local, table, start, pick);
  }

  readonly clock = { now: () => this.now };
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  /** A cold start: new clients for every service, all wired through faulty handlers. */
  coldStart(): Attempt {
    let onKill!: () => void;
    const killed = new Promise<'killed'>((resolve) => (onKill = () => resolve('killed')));
    const handlers: FaultyHandler[] = [];
    const kill = () => {
      for (const h of handlers) h.dead = true;
      onKill();
    };
    const wire = (service: Service) => {
      const handler = new FaultyHandler(
        service,
        {
          pick: (site, n) => {
            const fault = this.pick(site, n);
            if (fault) this.injected.push({ site, fault });
            return fault;
          },
          onKill: kill,
          onWait: (ms) => this.advance(ms),
          onApplied: (site, _req, body) => this.record(site, body),
        },
        this.counts,
        REQUEST_TIMEOUTS.requestTimeout,
      );
      handlers.push(handler);
      return handler;
    };
    // The SDK's own retries, as many as by default (3 attempts), with their pauses cut to a millisecond: what a
    // fault meets is the same, and a throttled table does not make the matrix wait out real backoff.
    const common = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, retryStrategy: new ConfiguredRetryStrategy(3, 1) };
    const dynamo = new DynamoDBClient({ ...common, endpoint: this.local.endpoint, requestHandler: wire(this.dynamoWire) as never });
    return {
      dynamo,
      doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
      ecs: { ...common, endpoint: 'http://ecs.local', requestHandler: wire(this.ecs.handler) as never },
      sns: { ...common, endpoint: 'http://sns.local', requestHandler: wire(this.sns.handler) as never },
      events: { ...common, endpoint: 'http://events.local', requestHandler: wire(this.events.handler) as never },
      ssm: { ...common, endpoint: 'http://ssm.local', requestHandler: wire(this.ssm.handler) as never },
      docdb: { ...common, endpoint: 'http://docdb.local', requestHandler: wire(this.docdb.handler) as never },
      rds: { ...common, endpoint: 'http://rds.local', requestHandler: wire(this.rds.handler) as never },
      autoscaling: { ...common, endpoint: 'http://autoscaling.local', requestHandler: wire(this.autoscaling.handler) as never },
      cloudfront: { ...common, endpoint: 'http://cloudfront.local', requestHandler: wire(this.cloudfront.handler) as never },
      sqs: { ...common, endpoint: 'http://sqs.local', requestHandler: wire(this.sqs.handler) as never },
      waf: { ...common, endpoint: 'http://wafv2.local', requestHandler: wire(this.waf.handler) as never },
      logs: { ...common, endpoint: 'http://logs.local', requestHandler: wire(this.logs) as never },
      scheduler: { ...common, endpoint: 'http://scheduler.local', requestHandler: wire(this.scheduler.handler) as never },
      killed,
      kill,
    };
  }

  private record(site: string, body: string): void {
    // What the table's stream carries to notify: check states, and the brake.
    if (site !== 'dynamodb PutItem CHECK' && site !== 'dynamodb PutItem CONTROL') return;
    const item = (JSON.parse(body) as { Item: Record<string, AttributeValue> }).Item;
    const key = `${item.pk!.S!}#${item.sk!.S!}`;
    const old = this.images.get(key);
    this.images.set(key, item);
    this.stream.push({
      eventID: `wire-${this.stream.length + 1}`,
      eventName: old ? 'MODIFY' : 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: { pk: item.pk!, sk: item.sk! } as never,
        NewImage: item as never,
        ...(old ? { OldImage: old as never } : {}),
        SequenceNumber: String(this.stream.length + 1).padStart(21, '0'),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  }
}

export interface Attempt {
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** Client config for ECS and SNS: pass to the SDK adapters. */
  ecs: ClientConfig;
  sns: ClientConfig;
  events: ClientConfig;
  ssm: ClientConfig;
  docdb: ClientConfig;
  rds: ClientConfig;
  autoscaling: ClientConfig;
  cloudfront: ClientConfig;
  sqs: ClientConfig;
  waf: ClientConfig;
  logs: ClientConfig;
  scheduler: ClientConfig;
  /** Resolves when the attempt dies (a `kill` fault). */
  killed: Promise<'killed'>;
  kill(): void;
}

type ClientConfig = {
  region: string;
  endpoint: string;
  requestHandler: never;
  credentials: { accessKeyId: string; secretAccessKey: string };
  retryStrategy: ConfiguredRetryStrategy;
};

export type AttemptEnd = { ended: 'returned'; value: unknown } | { ended: 'threw'; error: string } | { ended: 'killed' };

/** The function's timeout: a killed attempt is retried after it. */
export const FUNCTION_TIMEOUT_MS = 10 * 60_000;

/**
 * Lambda's asynchronous invocation: up to 3 attempts, a minute and then two apart; an attempt that
 * dies is over at the function's timeout, and its retry is a cold start. After the last, the DLQ.
 */
export async function invokeAsync(
  world: World,
  run: (attempt: Attempt, deadline: Date, context: { awsRequestId: string }) => Promise<unknown>,
  attempts = 3,
): Promise<{ ends: AttemptEnd[]; deadLettered: boolean }> {
  const ends: AttemptEnd[] = [];
  // Lambda retries an invocation with the same request id: how an attempt knows an earlier one of its own has ended.
  const context = { awsRequestId: `invocation-${++invocations}` };
  for (let i = 0; i < attempts; i++) {
    if (i > 0) world.advance(i * 60_000);
    const started = world.now.getTime();
    const attempt = world.coldStart();
    const end = await Promise.race([
      run(attempt, new Date(started + FUNCTION_TIMEOUT_MS), context).then(
        (value): AttemptEnd => ({ ended: 'returned', value }),
        (err: unknown): AttemptEnd => ({ ended: 'threw', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
      ),
      attempt.killed.then((): AttemptEnd => ({ ended: 'killed' })),
    ]);
    attempt.kill();
    ends.push(end);
    if (end.ended === 'killed') world.now = new Date(Math.max(world.now.getTime(), started + FUNCTION_TIMEOUT_MS));
    if (end.ended === 'returned') return { ends, deadLettered: false };
  }
  return { ends, deadLettered: true };
}
