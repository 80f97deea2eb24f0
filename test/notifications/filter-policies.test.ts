import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_22 } from '../support/node22.js';
import { parseConfig } from '../../shared/config/load.js';
import { buildNotification } from '../../shared/notifications/message.js';
import { SnsPublisher } from '../../shared/notifications/sns-publisher.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import { policyFor } from '../../shared/incidents/policy.js';
import { finding, T0 } from '../support/findings.js';

// The subscription filter policies docs/operations.md documents, tried against an SNS emulator on loopback
// (fauxqs, from the npm registry): Vigil publishes its real messages, the emulator routes them.

const config = parseConfig({
  checks: [
    { id: 'api-health', kind: 'http', target: 'https://api.example.com/health', severity: 'P1', tags: { service: 'api', team: 'platform' } },
    { id: 'orders-db', kind: 'tcp', target: 'orders-db.internal:5432', severity: 'P3', tags: { service: 'orders', team: 'data' } },
  ],
});

/** The message Vigil sends for a check's transition: opened, or escalated after its response time. */
function message(checkId: string, kind: 'opened' | 'escalated') {
  const check = config.checks.find((c) => c.id === checkId)!;
  const ctx = (minutes: number) => ({
    policy: { ...policyFor(check, config), failureThreshold: 1 },
    severity: check.severity,
    silence: undefined,
    now: new Date(T0.getTime() + minutes * 60_000),
  });
  const fail = (minutes: number) => finding('fail', ctx(minutes).now, { checkId, target: check.target });
  let state = decideIncident(undefined, fail(0), ctx(0))!;
  if (kind === 'escalated') state = decideIncident(state, fail(24 * 60), ctx(24 * 60))!;
  expect(state.transition?.kind).toBe(kind);
  return buildNotification(state.incident!, state.transition!, { check, policy: policyFor(check, config), incidentsFunction: 'vigil-test-incidents' });
}

let emulator: ChildProcess;
let sqs: SQSClient;
let topicArn: string;
const queues: Record<string, string> = {};

beforeAll(async () => {
  if (!NODE_22) return;
  emulator = spawn(NODE_22, ['--no-warnings', fileURLToPath(new URL('../support/wire/fauxqs-server.mjs', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    emulator.stdout!.on('data', (chunk: Buffer) => {
      const ready = /READY (\S+)/.exec(chunk.toString());
      if (ready) resolve(ready[1]!);
    });
    emulator.on('exit', (code) => reject(new Error(`fauxqs exited with ${code}`)));
  });
  const client = { endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  sqs = new SQSClient(client);
  const sns = new SNSClient(client);
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'vigil-alerts' }))).TopicArn!;
  // docs/operations.md's examples, one queue each, and one that takes everything.
  const policies: Record<string, object | undefined> = {
    paging: { severity: ['P1'] },
    api: { service: ['api'] },
    escalations: { transition: ['escalated'] },
    platform: { tags: ['team=platform'] },
    everything: undefined,
  };
  for (const [name, policy] of Object.entries(policies)) {
    queues[name] = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queues[name], AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn, ...(policy ? { Attributes: { FilterPolicy: JSON.stringify(policy) } } : {}) }),
    );
  }
  const publisher = new SnsPublisher(client);
  await publisher.publish(topicArn, message('api-health', 'opened'));
  await publisher.publish(topicArn, message('orders-db', 'escalated'));
}, 60_000);

afterAll(() => {
  emulator?.kill();
});

/** What a queue received: each message's subject, and its attributes as SNS delivered them. */
async function received(queue: string) {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues[queue], MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as { Subject: string; MessageAttributes: Record<string, { Type: string; Value: string }> });
}
const subjects = async (queue: string) => (await received(queue)).map((m) => m.Subject.slice(0, 30)).sort();

describe.skipIf(!NODE_22)('subscription filter policies, as docs/operations.md documents them', () => {
  it('pages only for P1: {"severity": ["P1"]}', async () => {
    expect(await subjects('paging')).toEqual(['[P1][OPEN] api-health: HTTP 50']);
  });

  it('routes by service: {"service": ["api"]}', async () => {
    expect(await subjects('api')).toEqual(['[P1][OPEN] api-health: HTTP 50']);
  });

  it('routes escalations: {"transition": ["escalated"]}', async () => {
    expect(await subjects('escalations')).toEqual(['[P3][ESCALATED] orders-db: HTT']);
  });

  it('sends tags as SNS documents String.Array, a JSON array of key=value, which SNS matches element by element', async () => {
    const all = await received('everything');
    expect(all).toHaveLength(2);
    const tags = all.find((m) => m.Subject.includes('api-health'))!.MessageAttributes.tags!;
    expect(tags.Type).toBe('String.Array');
    expect(JSON.parse(tags.Value)).toEqual(['service=api', 'team=platform']);
    // fauxqs compares a String.Array's whole JSON text with the policy's value (src/sns/filter.ts), where
    // SNS matches any element; so this emulator routes nothing on tags, and only AWS can show that filter.
    expect(await subjects('platform')).toEqual([]);
  });
});
