import type { Publisher } from './publisher.js';

/** A publisher whose SNS client loads on its first message: a function that seldom publishes does not pay for it at each cold start. */
export function lazySnsPublisher(): Publisher {
  let loaded: Promise<Publisher> | undefined;
  return { publish: async (topic, n) => (await (loaded ??= import('./sns-publisher.js').then((m) => new m.SnsPublisher()))).publish(topic, n) };
}
