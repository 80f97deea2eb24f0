import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, ResourceInUseException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import dynalite from 'dynalite';
import { createNotifyHandler } from '../../functions/notify/handler.js';
import type { HandoffEvent } from '../../shared/notifications/handoff-event.js';
import { statusFolder } from './status-folder.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { SetupError } from '../../shared/errors.js';
import type { Log } from '../../shared/log.js';
import type { Notification } from '../../shared/notifications/message.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { createStateTable } from './dynamo.js';
import { LOCAL_ESCALATION_TOPIC, LOCAL_STAKEHOLDERS_TOPIC, LOCAL_TOPIC } from './runtime.js';

export const LOCAL_STATE_TABLE = 'vigil-local';

/** Another reader of the stream beside notify, as a second event source mapping is (on-alarm, for the runbooks checks start). */
export type StreamReader = (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures: unknown[] }>;
const DELIVERY_ATTEMPTS = 3;

/** A state table that lasts between `vigil invoke`s, in a folder, and the stream that feeds notify from it. */
export interface LocalState {
  /** Where the handlers send DynamoDB calls: the table, through a tap that sees each check-state write. */
  endpoint: string;
  /**
   * Hands notify what DynamoDB Streams would have carried since the last call: one record per
   * check-state write, in order, each retried as the event source mapping would.
   */
  deliverStream(config: VigilConfig, log: Log, readers?: StreamReader[]): Promise<Notification[]>;
  close(): Promise<void>;
}

/** The bus hand-off events would go to, locally: they are kept in `dir/events.jsonl`. */
const LOCAL_EVENT_BUS = 'local:vigil-incidents';

/**
 * Opens (or creates) the table kept in `dir`, e.g. `.vigil/`. Notifications are printed and kept in
 * `dir/notifications.jsonl`; hand-off events are kept in `dir/events.jsonl`.
 */
export async function openLocalState(dir: string, print: (line: string) => void): Promise<LocalState> {
  mkdirSync(dir, { recursive: true });
  const db = dynalite({ path: join(dir, 'table'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  try {
    await listen(db);
  } catch (err) {
    throw new SetupError(`the local state in ${dir} cannot be opened (is another vigil invoke using it?): ${(err as Error).message}`);
  }
  const direct = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint: direct, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await createStateTable(client, LOCAL_STATE_TABLE).catch((err: unknown) => {
    if (!(err instanceof ResourceInUseException)) throw err;
  });
  const writes: DynamoDBRecord[] = [];
  let sequence = Date.now() * 1000;
  let published = 0;
  let handedOff = 0;
  const record = (topic: string, n: Notification) => {
    const name = topic === LOCAL_ESCALATION_TOPIC ? 'escalations' : topic === LOCAL_STAKEHOLDERS_TOPIC ? 'stakeholders' : 'alerts';
    print(`notification (${name} topic): ${n.subject}`);
    appendFileSync(join(dir, 'notifications.jsonl'), `${JSON.stringify({ at: new Date().toISOString(), topic, ...n })}\n`);
  };
  const tap = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    // SNS, as a function publishes to it directly (a page, an action on no incident): printed and kept like the rest.
    const form = req.headers['x-amz-target'] ? undefined : new URLSearchParams(body);
    if (form?.get('Action') === 'Publish') {
      record(form.get('TopicArn') ?? LOCAL_TOPIC, { subject: form.get('Subject') ?? '', body: form.get('Message') ?? '', attributes: {} });
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(`<PublishResponse><PublishResult><MessageId>local-sns-${++published}</MessageId></PublishResult></PublishResponse>`);
      return;
    }
    try {
      const put = streamedPut(req.headers['x-amz-target'], body);
      const old = put ? (await client.send(new GetItemCommand({ TableName: LOCAL_STATE_TABLE, Key: put.key }))).Item : undefined;
      const { host: _host, 'content-length': _length, connection: _connection, ...headers } = req.headers as Record<string, string>;
      const answer = await fetch(`${direct}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, body });
      const text = await answer.text();
      if (put && answer.ok) writes.push(streamRecord(put.key, put.item, old, ++sequence));
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0' }).end(text);
    } catch (err) {
      // As DynamoDB answers an internal failure: the SDK retries, and the handler sees it if it persists.
      res
        .writeHead(500, { 'content-type': 'application/x-amz-json-1.0' })
        .end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: (err as Error).message }));
    }
  });
  await listen(tap);
  const endpoint = `http://127.0.0.1:${(tap.address() as AddressInfo).port}`;
  // notify writes through the tap as the functions do, so its own writes (the brake's) are on the stream too.
  const viaTap = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const store = new DynamoStateStore(DynamoDBDocumentClient.from(viaTap, { marshallOptions: { removeUndefinedValues: true } }), LOCAL_STATE_TABLE);

  return {
    endpoint,
    async deliverStream(config, log, readers = []) {
      const sent: Notification[] = [];
      const publisher = {
        publish: async (topic: string, n: Notification) => {
          sent.push(n);
          record(topic, n);
          return { messageId: `local-${sent.length}` };
        },
      };
      const notify = createNotifyHandler({
        config,
        store,
        publisher,
        log,
        topics: { main: LOCAL_TOPIC, escalation: LOCAL_ESCALATION_TOPIC, stakeholders: LOCAL_STAKEHOLDERS_TOPIC },
        incidentsFunction: 'vigil invoke incidents',
        // The status page, as the bucket would hold it.
        statusPage: statusFolder(join(dir, 'status-page')),
        // What EventBridge would carry to a pager's rule, kept beside the messages.
        handoff: {
          bus: LOCAL_EVENT_BUS,
          publisher: {
            put: async (bus: string, event: HandoffEvent) => {
              appendFileSync(join(dir, 'events.jsonl'), `${JSON.stringify({ bus, ...event })}\n`);
              return { eventId: `local-event-${++handedOff}` };
            },
          },
        },
      });
      // A reader's own writes (a runbook's escalation) are on the stream too: read until it is quiet.
      while (writes.length) {
        for (const record of writes.splice(0)) {
          for (const read of [notify, ...readers]) {
            let delivered = false;
            for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS && !delivered; attempt++)
              delivered = (await read({ Records: [record] })).batchItemFailures.length === 0;
            if (!delivered)
              print(`stream record ${record.eventID} undelivered after ${DELIVERY_ATTEMPTS} attempts; in AWS it would go to the dead-letter queue`);
          }
        }
      }
      return sent;
    },
    async close() {
      client.destroy();
      viaTap.destroy();
      await Promise.all([close(tap), close(db)]);
    },
  };
}

/** The key and item of a PutItem that writes a check's state or the brake: what the stream carries to notify. */
function streamedPut(
  target: string | string[] | undefined,
  body: string,
): { key: Record<string, AttributeValue>; item: Record<string, AttributeValue> } | undefined {
  if (target !== 'DynamoDB_20120810.PutItem') return undefined;
  const { Item } = JSON.parse(body) as { Item?: Record<string, AttributeValue> };
  if ((Item?.type?.S !== 'check' && Item?.type?.S !== 'brake') || !Item.pk || !Item.sk) return undefined;
  return { key: { pk: Item.pk, sk: Item.sk }, item: Item };
}

function streamRecord(
  key: Record<string, AttributeValue>,
  item: Record<string, AttributeValue>,
  old: Record<string, AttributeValue> | undefined,
  sequence: number,
): DynamoDBRecord {
  return {
    eventID: `local-${sequence}`,
    eventName: old ? 'MODIFY' : 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: key as never,
      NewImage: item as never,
      ...(old ? { OldImage: old as never } : {}),
      SequenceNumber: String(sequence).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
