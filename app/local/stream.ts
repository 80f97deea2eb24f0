import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { CheckState } from '../../shared/state/check-state.js';
import type { StateStore } from '../../shared/state/ports.js';
import { keys } from '../../shared/state/table.js';

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

const LOCAL_RETRIES = 3;

/**
 * dynalite has no streams, so locally each check-state write is turned into the record DynamoDB
 * Streams (NEW_AND_OLD_IMAGES) would carry and handed to the notify handler at once, retried as the
 * event source mapping would. `onUndelivered` hears of what would have gone to the DLQ.
 */
export function withLocalStream(store: StateStore, deliver: StreamHandler, onUndelivered: (record: DynamoDBRecord) => void): StateStore {
  let sequence = 0;
  const putCheckState = async (state: CheckState, expectedVersion: number | undefined) => {
    const old = (await store.getCheckStates([state.checkId])).get(state.checkId);
    await store.putCheckState(state, expectedVersion);
    const record = streamRecord(old, state, ++sequence);
    for (let attempt = 1; attempt <= LOCAL_RETRIES; attempt++) {
      const result = await deliver({ Records: [record] });
      if (result.batchItemFailures.length === 0) return;
    }
    onUndelivered(record);
  };
  // Every other method is the store's own.
  return new Proxy(store, { get: (target, property, receiver) => (property === 'putCheckState' ? putCheckState : Reflect.get(target, property, receiver)) });
}

export function streamRecord(old: CheckState | undefined, next: CheckState, sequence: number): DynamoDBRecord {
  const image = (state: CheckState) =>
    marshall(
      { ...keys.checkState(state.checkId), type: 'check', version: state.version, failing: state.streak.failing, state },
      { removeUndefinedValues: true },
    );
  return {
    eventID: `local-${sequence}`,
    eventName: old ? 'MODIFY' : 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall(keys.checkState(next.checkId)) as never,
      NewImage: image(next) as never,
      ...(old ? { OldImage: image(old) as never } : {}),
      SequenceNumber: String(sequence).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
