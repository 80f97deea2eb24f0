import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  QueueDoesNotExist,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkSqs } from '../../shared/aws/sqs.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import { sqsRedrive } from '../../shared/remediations/sqs-redrive.js';
import type { ActiveIncident, RemediationContext } from '../../shared/remediations/remediation.js';
import { undeclaredCalls } from '../support/declared-calls.js';

// Shapes as the SQS API reference documents them: a queue's URL, its attributes as strings, move tasks with epoch-millisecond starts.
const sqs = mockClient(SQSClient);
const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
const T0 = new Date('2026-12-05T03:00:00Z');

let depth: Record<string, number> = {};
let active: ActiveIncident[] = [];
const ctx: RemediationContext = {
  aws: { ecs: {} as never, metrics: new BatchingMetrics(), sqs: new SdkSqs({ region: 'eu-west-1' }) },
  clock: { now: () => T0 },
  incidents: { others: async () => ({ incidents: active, complete: true }) },
};
const settings = sqsRedrive.settings.parse({ target: 'orders-dlq', destination: 'orders', maxMessages: 100, serviceChecks: ['orders-worker-errors'] });
const task = (Status: string, started: Date, more: object = {}) => ({
  TaskHandle: 'eyJ0YXNrSWQiOiIx',
  Status,
  SourceArn: arn('orders-dlq'),
  DestinationArn: arn('orders'),
  MaxNumberOfMessagesPerSecond: 10,
  StartedTimestamp: started.getTime(),
  ApproximateNumberOfMessagesMoved: 3,
  ApproximateNumberOfMessagesToMove: 12,
  ...more,
});

beforeEach(() => {
  sqs.reset();
  depth = { 'orders-dlq': 12, orders: 40 };
  active = [];
  sqs.on(GetQueueUrlCommand).callsFake(({ QueueName }: { QueueName: string }) => {
    if (!(QueueName in depth)) throw new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: { httpStatusCode: 400 } });
    return { QueueUrl: url(QueueName) };
  });
  sqs.on(GetQueueAttributesCommand).callsFake(({ QueueUrl }: { QueueUrl: string }) => {
    const name = QueueUrl.split('/').pop()!;
    return { Attributes: { QueueArn: arn(name), ApproximateNumberOfMessages: String(depth[name]), ApproximateNumberOfMessagesNotVisible: '2' } };
  });
  sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [task('COMPLETED', new Date('2026-12-01T00:00:00Z'))] });
  sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'eyJ0YXNrSWQiOiIy' });
});

describe('sqs-redrive', () => {
  it("moves the dead-letter queue's messages back to their queue at the set rate", async () => {
    const plan = await sqsRedrive.plan(settings, ctx);
    expect(plan.summary).toBe('move 12 messages from orders-dlq back to orders, 10 a second');
    expect(await sqsRedrive.execute(settings, plan, ctx)).toBe('move of 12 messages from orders-dlq to orders started');
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({
      SourceArn: arn('orders-dlq'),
      DestinationArn: arn('orders'),
      MaxNumberOfMessagesPerSecond: 10,
    });
    expect(undeclaredCalls(sqsRedrive, { target: 'orders-dlq', destination: 'orders' }, [sqs])).toEqual([]);
  });

  it('reads back a move whose answer was lost: one started since the plan, to this destination', async () => {
    const plan = await sqsRedrive.plan(settings, ctx);
    expect((await sqsRedrive.reconcile(settings, plan, ctx)).applied).toBe('no');
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [task('RUNNING', new Date(T0.getTime() + 1000))] });
    expect(await sqsRedrive.reconcile(settings, plan, ctx)).toEqual({
      applied: 'yes',
      detail: 'a move from orders-dlq to orders started at 2026-12-05T03:00:01.000Z: RUNNING',
    });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [task('RUNNING', new Date(T0.getTime() + 1000), { DestinationArn: arn('other') })] });
    expect((await sqsRedrive.reconcile(settings, plan, ctx)).applied).toBe('no');
  });

  it.each([
    ['an empty dead-letter queue', () => (depth['orders-dlq'] = 0), 'orders-dlq holds no message to move'],
    [
      'more messages than its cap',
      () => (depth['orders-dlq'] = 101),
      'orders-dlq holds 101 messages, more than 100: moving that many back is for a human to start',
    ],
    ['a source its consumers are behind on', () => (depth.orders = 1001), 'orders already has 1001 messages waiting (limit 1000): its consumers are behind'],
    [
      'a move already running',
      () => sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [task('RUNNING', new Date('2026-12-05T02:59:00Z'))] }),
      'a move from orders-dlq is already RUNNING (3 of 12 moved)',
    ],
    [
      "an incident of the consumers' check",
      () => (active = [{ id: 'orders-worker-errors/4', checkId: 'orders-worker-errors', target: 'orders-worker', summary: '12 errors' }]),
      'a redrive from orders-dlq to orders waits: incident orders-worker-errors/4 is active (12 errors)',
    ],
  ])('refuses %s', async (_, arrange, why) => {
    arrange();
    await expect(sqsRedrive.plan(settings, ctx)).rejects.toThrow(why);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('refuses when the dead-letter queue filled past its cap between the plan and the act', async () => {
    const plan = await sqsRedrive.plan(settings, ctx);
    depth['orders-dlq'] = 5000;
    await expect(sqsRedrive.execute(settings, plan, ctx)).rejects.toThrow('orders-dlq holds 5000 messages, more than 100');
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('names a queue that does not exist', async () => {
    const typo = sqsRedrive.settings.parse({ target: 'orders-dlg', destination: 'orders' });
    await expect(sqsRedrive.plan(typo, ctx)).rejects.toThrow('no SQS queue is named orders-dlg');
  });

  it('grants the move what SQS asks of its caller, and the keys of encrypted queues', () => {
    const grants = sqsRedrive.permissions!(
      sqsRedrive.settings.parse({ target: 'orders-dlq', destination: 'orders', kmsKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/1'] }),
      { of: (service, r) => `arn:aws:${service}:eu-west-1:123456789012:${r}`, global: () => '', inRegion: () => '' },
    );
    expect(grants).toEqual([
      expect.objectContaining({ actions: expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']), resources: [arn('orders-dlq')] }),
      expect.objectContaining({ actions: expect.arrayContaining(['sqs:SendMessage']), resources: [arn('orders')] }),
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: ['arn:aws:kms:eu-west-1:123456789012:key/1'] },
    ]);
  });
});
