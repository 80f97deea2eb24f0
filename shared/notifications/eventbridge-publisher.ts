import { EventBridgeClient, PutEventsCommand, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import { mutationRetries, unanswered } from '../aws/retries.js';
import { REQUEST_TIMEOUTS } from '../aws/timeouts.js';
import { knownSecrets } from '../secrets/mask.js';
import type { EventPublisher, HandoffEvent } from './handoff-event.js';

const PUT_ATTEMPTS = 3;

export class EventBridgePublisher implements EventPublisher {
  private readonly events: EventBridgeClient;

  /** PutEvents is retried only on throttling, as Publish is: a lost reply must not become a second event from the SDK itself. */
  constructor(config: EventBridgeClientConfig = {}) {
    this.events = new EventBridgeClient({ requestHandler: REQUEST_TIMEOUTS, ...config, retryStrategy: mutationRetries() });
  }

  /**
   * Tries again, at once, after an answer that refuses (a 500, an entry failed) or a connection never made:
   * a copy is harmless (subscribers dedupe on `dedupKey`) and a lost event is not. A put with no answer is
   * the caller's to count, as a message's is.
   */
  async put(bus: string, event: HandoffEvent): Promise<{ eventId: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.putOnce(bus, event);
      } catch (err) {
        if (attempt >= PUT_ATTEMPTS || unanswered(err)) throw err;
      }
    }
  }

  private async putOnce(bus: string, event: HandoffEvent): Promise<{ eventId: string }> {
    // A last guard, as for SNS: what the event says came from masked findings, but it leaves the account here.
    const { source, detailType, time, detail } = knownSecrets.deep(event);
    const out = await this.events.send(
      new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: source, DetailType: detailType, Time: new Date(time), Detail: JSON.stringify(detail) }] }),
    );
    // PutEvents answers 200 with per-entry failures: one failed entry means the event was not put.
    const entry = out.Entries?.[0];
    if (out.FailedEntryCount || !entry?.EventId)
      // An answer, so never taken for a lost reply: nothing was put.
      throw Object.assign(new Error(`EventBridge refused the event: ${entry?.ErrorCode ?? 'no event id'} ${entry?.ErrorMessage ?? ''}`.trim()), {
        $metadata: out.$metadata,
      });
    return { eventId: entry.EventId };
  }
}
