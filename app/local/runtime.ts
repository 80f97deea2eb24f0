import { createNotifyHandler } from '../../functions/notify/handler.js';
import { statusFolder } from './status-folder.js';
import type { Clock } from '../../shared/clock.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Log } from '../../shared/log.js';
import type { Meter } from '../../shared/metrics.js';
import type { Notification } from '../../shared/notifications/message.js';
import type { Publisher } from '../../shared/notifications/publisher.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import type { StateStore } from '../../shared/state/ports.js';
import { allItems, createStateTable, startLocalDynamo, type LocalDynamo } from './dynamo.js';
import { withLocalStream } from './stream.js';

export const LOCAL_TOPIC = 'local:vigil-alerts';
export const LOCAL_ESCALATION_TOPIC = 'local:vigil-escalations';
export const LOCAL_STAKEHOLDERS_TOPIC = 'local:vigil-stakeholders';
const TABLE = 'vigil-local';

export interface LocalRuntime {
  /** The state store, its writes streamed to the notify handler as DynamoDB Streams would. */
  store: StateStore;
  /** The local DynamoDB, when the state is kept there. */
  dynamo?: LocalDynamo;
  /** Every stored item: what a test checks was (or was not) written. */
  items(): Promise<unknown[]>;
  /** Another reader of the stream, as a second event source mapping would be (the runbooks checks start). */
  onStream(handler: StreamHandler): void;
  /** Where what no incident carries is told (an action by hand, a scheduled run): the alerts topic, as `onNotification` hears it. */
  notices: { publisher: Publisher; topic: string };
  close(): Promise<void>;
}

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * Vigil's AWS side on this machine: dynalite for the table (or, for tests of what sits above the
 * state, the in-memory store held to the same contract), the real notify handler fed by a local
 * stream, and `onNotification` in place of SNS.
 */
export async function startLocalRuntime(options: {
  config: VigilConfig;
  clock: Clock;
  log: Log;
  onNotification: (topic: string, n: Notification) => void;
  meter?: Meter;
  /** Where the state is kept. Default: dynalite, the DynamoDB API. */
  state?: 'dynalite' | 'memory';
  /** A folder to write the status page to, as the bucket would hold it. */
  statusPage?: string;
}): Promise<LocalRuntime> {
  const { store, dynamo, items } = await openState(options.state ?? 'dynalite');
  let sent = 0;
  const publisher: Publisher = {
    publish: async (topic, n) => {
      options.onNotification(topic, n);
      return { messageId: `local-${++sent}` };
    },
  };
  // notify's own writes (the brake's) reach the stream too, as in AWS: it writes through the streamed store.
  let streamed: StateStore | undefined;
  const viaStream = new Proxy(store, {
    get: (_, property) => {
      const value = Reflect.get(streamed!, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(streamed) : value;
    },
  });
  const notify = createNotifyHandler({
    config: options.config,
    store: viaStream,
    publisher,
    log: options.log,
    topics: { main: LOCAL_TOPIC, escalation: LOCAL_ESCALATION_TOPIC, stakeholders: LOCAL_STAKEHOLDERS_TOPIC },
    incidentsFunction: 'vigil-local-incidents',
    ...(options.meter ? { meter: options.meter } : {}),
    ...(options.statusPage ? { statusPage: statusFolder(options.statusPage) } : {}),
  });
  const readers: StreamHandler[] = [notify];
  // Each reader sees every record, as each mapping on a stream does; a failure in one is retried for all (each is idempotent).
  const deliver: StreamHandler = async (event) => {
    const failures = [];
    for (const read of readers) failures.push(...(await read(event)).batchItemFailures);
    return { batchItemFailures: failures };
  };
  streamed = withLocalStream(store, deliver, (record) =>
    options.log.error('notification undelivered after retries; in AWS it would go to the DLQ', { eventID: record.eventID }),
  );
  return {
    store: streamed,
    ...(dynamo ? { dynamo } : {}),
    items,
    onStream: (handler) => void readers.push(handler),
    notices: { publisher, topic: LOCAL_TOPIC },
    close: async () => dynamo?.close(),
  };
}

async function openState(kind: 'dynalite' | 'memory'): Promise<{ store: StateStore; dynamo?: LocalDynamo; items: () => Promise<unknown[]> }> {
  if (kind === 'memory') {
    const store = new MemoryStateStore();
    return { store, items: async () => store.snapshot() };
  }
  const dynamo = await startLocalDynamo();
  await createStateTable(dynamo.client, TABLE);
  return { store: new DynamoStateStore(dynamo.doc, TABLE), dynamo, items: () => allItems(dynamo, TABLE) };
}
