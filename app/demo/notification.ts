import type { Notification } from '../../shared/notifications/message.js';

/** A notification as the demo prints it: the topic, the subject, the body indented. */
export function formatNotification(topic: string, n: Notification): string {
  const body = n.body.split('\n').map((line) => `     │ ${line}`);
  return [`   ✉ SNS ${topic}`, `     │ Subject: ${n.subject}`, '     │', ...body].join('\n');
}
