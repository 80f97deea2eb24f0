import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from './message.js';

/** Sends a notification; the SNS adapter in Lambda, a printer locally. */
export interface Publisher {
  publish(topicArn: string, notification: Notification): Promise<{ messageId: string }>;
}

export class SnsPublisher implements Publisher {
  constructor(private readonly sns: SNSClient) {}

  async publish(topicArn: string, n: Notification): Promise<{ messageId: string }> {
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
