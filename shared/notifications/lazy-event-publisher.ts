import type { EventPublisher } from './handoff-event.js';

/** An event publisher whose EventBridge client loads on its first event: a cold start that sends nothing does not pay for it. */
export function lazyEventPublisher(): EventPublisher {
  let loaded: Promise<EventPublisher> | undefined;
  return { put: async (bus, event) => (await (loaded ??= import('./eventbridge-publisher.js').then((m) => new m.EventBridgePublisher()))).put(bus, event) };
}
