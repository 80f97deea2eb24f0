import { PublishCommand, SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { mutationRetries } from '../aws/retries.js';
import { REQUEST_TIMEOUTS } from '../aws/timeouts.js';
import type { Notification } from './message.js';
import type { Publisher } from './publisher.js';
import { knownSecrets } from '../secrets/mask.js';

export class SnsPublisher implements Publisher {
  private readonly sns: SNSClient;

  /** Publish is retried only on throttling: a lost reply must not become a second message from the SDK itself. */
  constructor(config: SNSClientConfig = {}) {
    this.sns = new SNSClient({ requestHandler: REQUEST_TIMEOUTS, ...config, retryStrategy: mutationRetries() });
  }

  async publish(topicArn: string, notification: Notification): Promise<{ messageId: string }> {
    // A last guard: what a message says came from masked findings, but it leaves the account here.
    const n = knownSecrets.deep(notification);
    const out = await this.sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: n.subject,
        Message: n.body,
        MessageAttributes: Object.fromEntries(
          Object.entries(n.attributes).map(([name, value]) => [
            name,
            Array.isArray(value) ? { DataType: 'String.Array', StringValue: JSON.stringify(value) } : { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
    return { messageId: out.MessageId ?? 'unknown' };
  }
}
