import type { Service, WireResponse } from './faulty-handler.js';

export interface PutEvent {
  bus: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

/** EventBridge PutEvents behind the awsJson1_1 protocol, in process: every event the bus accepted. */
export class FakeEvents {
  readonly put: PutEvent[] = [];

  readonly handler: Service = async (request, body): Promise<WireResponse> => {
    if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents')
      return { statusCode: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: 'UnknownOperationException' }) };
    const { Entries } = JSON.parse(body) as { Entries: { EventBusName: string; Source: string; DetailType: string; Detail: string }[] };
    const ids = Entries.map((e) => {
      this.put.push({ bus: e.EventBusName, source: e.Source, detailType: e.DetailType, detail: JSON.parse(e.Detail) as Record<string, unknown> });
      return { EventId: `event-${this.put.length}` };
    });
    return { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ FailedEntryCount: 0, Entries: ids }) };
  };

  /** The deduplication keys of the events put, one per copy. */
  keys(): string[] {
    return this.put.map((e) => String(e.detail.dedupKey));
  }
}
