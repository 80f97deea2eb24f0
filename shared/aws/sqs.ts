import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  QueueDoesNotExist,
  SQSClient,
  StartMessageMoveTaskCommand,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import { readWriteClients } from './retries.js';
import { TargetUnresolvedError } from '../errors.js';

/** A queue as a redrive reads it: where it is, and how many messages wait in it. */
export interface QueueDepth {
  name: string;
  arn: string;
  /** Messages ready to be received. */
  visible: number;
  /** Received and not yet deleted: being worked on. */
  inFlight: number;
}

/** A message move task (a dead-letter queue's redrive), as ListMessageMoveTasks shows it. */
export interface MoveTask {
  /** RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED. */
  status: string;
  startedAt: Date;
  destinationArn?: string | undefined;
  perSecond?: number | undefined;
  moved?: number | undefined;
  toMove?: number | undefined;
  failureReason?: string | undefined;
}

/** The SQS calls Vigil makes. */
export interface SqsPort {
  /** TargetUnresolvedError when no queue has that name. */
  queue(name: string, signal?: AbortSignal): Promise<QueueDepth>;
  /** The queue's most recent move tasks, newest first (SQS keeps those of the last 14 days, ten at most are listed). */
  moveTasks(sourceArn: string, signal?: AbortSignal): Promise<MoveTask[]>;
  /** Starts moving the source's messages to the destination; SQS runs one task per source at a time. */
  startMove(sourceArn: string, destinationArn: string, perSecond: number): Promise<void>;
}

export class SdkSqs implements SqsPort {
  private readonly reads: SQSClient;
  private readonly writes: SQSClient;

  constructor(overrides: SQSClientConfig = {}) {
    ({ reads: this.reads, writes: this.writes } = readWriteClients(SQSClient, overrides));
  }

  async queue(name: string, signal?: AbortSignal): Promise<QueueDepth> {
    try {
      const { QueueUrl } = await this.reads.send(new GetQueueUrlCommand({ QueueName: name }), { abortSignal: signal });
      const { Attributes: a = {} } = await this.reads.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        { abortSignal: signal },
      );
      if (!a.QueueArn || a.ApproximateNumberOfMessages === undefined) throw new Error(`SQS returned no depth for queue ${name}`);
      return { name, arn: a.QueueArn, visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) };
    } catch (err) {
      if (err instanceof QueueDoesNotExist) throw new TargetUnresolvedError(`no SQS queue is named ${name}`);
      throw err;
    }
  }

  async moveTasks(sourceArn: string, signal?: AbortSignal): Promise<MoveTask[]> {
    const { Results = [] } = await this.reads.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }), { abortSignal: signal });
    return Results.map((t) => ({
      status: t.Status ?? 'unknown',
      startedAt: new Date(t.StartedTimestamp ?? 0),
      destinationArn: t.DestinationArn,
      perSecond: t.MaxNumberOfMessagesPerSecond,
      moved: t.ApproximateNumberOfMessagesMoved,
      toMove: t.ApproximateNumberOfMessagesToMove,
      failureReason: t.FailureReason,
    }));
  }

  async startMove(sourceArn: string, destinationArn: string, perSecond: number): Promise<void> {
    await this.writes.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn, MaxNumberOfMessagesPerSecond: perSecond }));
  }
}

/** The port `aws.sqs` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): SqsPort => new SdkSqs();

declare module './ports.js' {
  interface AwsPortMap {
    sqs: SqsPort;
  }
}
