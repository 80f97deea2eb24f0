import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Brake } from '../../shared/state/brake.js';
import type { CheckState } from '../../shared/state/check-state.js';
import type { StateStore } from '../../shared/state/ports.js';
import { keys } from '../../shared/state/table.js';

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

const LOCAL_RETRIES = 3;

/**
 * dynalite has no streams, so locally each check-state (and brake) write is turned into the record DynamoDB
 * Streams (NEW_AND_OLD_IMAGES) would carry and handed to the notify handler at once, retried as the
 * event source mapping would. `onUndelivered` hears of what would have gone to the DLQ.
 */
export function withLocalStream(store: StateStore, deliver: StreamHandler, onUndelivered: (record: DynamoDBRecord) => void): StateStore {
  let sequence = 0;
  const send = async (record: DynamoDBRecord) => {
    for (let attempt = 1; attempt <= LOCAL_RETRIES; attempt++) {
      const result = await deliver({ Records: [record] });
      if (result.batchItemFailures.length === 0) return;
    }
    onUndelivered(record);
  };
  const putCheckState = async (state: CheckState, expectedVersion: number | undefined) => {
    const old = (await store.getCheckStates([state.checkId])).get(state.checkId);
    await store.putCheckState(state, expectedVersion);
    await send(streamRecord(old, state, ++sequence));
  };
  const putBrake = async (brake: Brake, expectedVersion: number | undefined) => {
    const old = await store.getBrake();
    await store.putBrake(brake, expectedVersion);
    const image = (b: Brake) => ({ ...keys.brake(), type: 'brake', version: b.version, brake: b });
    await send(recordOf(keys.brake(), old && image(old), image(brake), ++sequence));
  };
  // Every other method is the store's own.
  const own: Record<string | symbol, unknown> = { putCheckState, putBrake };
  return new Proxy(store, { get: (target, property, receiver) => own[property] ?? Reflect.get(target, property, receiver) });
}

export function streamRecord(old: CheckState | undefined, next: CheckState, sequence: number): DynamoDBRecord {
  const image = (state: CheckState) => ({ ...keys.checkState(state.checkId), type: 'check', version: state.version, failing: state.streak.failing, state });
  return recordOf(keys.checkState(next.checkId), old && image(old), image(next), sequence);
}

/** The record DynamoDB Streams (NEW_AND_OLD_IMAGES) carries for one item's write. */
function recordOf(key: { pk: string; sk: string }, old: object | undefined, next: object, sequence: number): DynamoDBRecord {
  const image = (item: object) => marshall(item, { removeUndefinedValues: true });
  return {
    eventID: `local-${sequence}`,
    eventName: old ? 'MODIFY' : 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall(key) as never,
      NewImage: image(next) as never,
      ...(old ? { OldImage: image(old) as never } : {}),
      SequenceNumber: String(sequence).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
