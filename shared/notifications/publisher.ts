import type { Notification } from './message.js';

/** Sends a notification; the SNS adapter in Lambda, a printer locally. */
export interface Publisher {
  publish(topicArn: string, notification: Notification): Promise<{ messageId: string }>;
}
