import type { Service, WireResponse } from './faulty-handler.js';

const ARN = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;

/**
 * SQS behind its awsJson1_0 protocol, in process: GetQueueUrl, GetQueueAttributes, ListMessageMoveTasks
 * and StartMessageMoveTask, as the API reference shapes them. A move task runs to its end at once,
 * and each one started is kept, so a test can count the moves that happened.
 */
export class FakeSqs {
  readonly depth = new Map<string, number>([
    ['orders-dlq', 12],
    ['orders', 40],
  ]);
  /** Every move task started, newest first. */
  readonly moves: { SourceArn: string; DestinationArn: string; MaxNumberOfMessagesPerSecond: number; StartedTimestamp: number; moved: number }[] = [];

  /** Where its queue URLs point: the SDK sends a queue's calls to its URL's host, so a fake on a port must name itself. */
  queueUrlBase = 'https://sqs.eu-west-1.amazonaws.com';

  constructor(private readonly now: () => Date = () => new Date()) {}

  readonly handler: Service = async (request, body): Promise<WireResponse> => {
    const op = (request.headers['x-amz-target'] ?? '').split('.')[1];
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    switch (op) {
      case 'GetQueueUrl': {
        const name = String(input.QueueName);
        if (!this.depth.has(name)) return error(400, 'com.amazonaws.sqs#QueueDoesNotExist', 'The specified queue does not exist.');
        return ok({ QueueUrl: `${this.queueUrlBase}/123456789012/${name}` });
      }
      case 'GetQueueAttributes': {
        const name = String(input.QueueUrl).split('/').pop()!;
        return ok({
          Attributes: { QueueArn: ARN(name), ApproximateNumberOfMessages: String(this.depth.get(name) ?? 0), ApproximateNumberOfMessagesNotVisible: '0' },
        });
      }
      case 'ListMessageMoveTasks':
        return ok({
          Results: this.moves
            .filter((m) => m.SourceArn === input.SourceArn)
            .map((m) => ({
              TaskHandle: `task-${m.StartedTimestamp}`,
              Status: 'COMPLETED',
              SourceArn: m.SourceArn,
              DestinationArn: m.DestinationArn,
              MaxNumberOfMessagesPerSecond: m.MaxNumberOfMessagesPerSecond,
              StartedTimestamp: m.StartedTimestamp,
              ApproximateNumberOfMessagesMoved: m.moved,
              ApproximateNumberOfMessagesToMove: m.moved,
            })),
        });
      case 'StartMessageMoveTask': {
        const source = String(input.SourceArn).split(':').pop()!;
        const destination = String(input.DestinationArn).split(':').pop()!;
        const moved = this.depth.get(source) ?? 0;
        this.depth.set(source, 0);
        this.depth.set(destination, (this.depth.get(destination) ?? 0) + moved);
        const started = this.now().getTime();
        this.moves.unshift({
          SourceArn: String(input.SourceArn),
          DestinationArn: String(input.DestinationArn),
          MaxNumberOfMessagesPerSecond: Number(input.MaxNumberOfMessagesPerSecond),
          StartedTimestamp: started,
          moved,
        });
        return ok({ TaskHandle: `task-${started}` });
      }
      default:
        return error(400, 'com.amazonaws.sqs#UnsupportedOperation', `fake SQS does not answer ${op}`);
    }
  };
}

const ok = (body: unknown): WireResponse => ({ statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) });
const error = (statusCode: number, type: string, message: string): WireResponse => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({ __type: type, message }),
});
