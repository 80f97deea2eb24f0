import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STATE_TABLE } from '../store/table.js';

/** Runs `work` once per key: a repeat returns the first result instead of running again. */
export type Once = <T>(key: string, work: () => Promise<T>) => Promise<T>;

/**
 * Powertools idempotency on the state table: a key is marked in progress before the work and
 * done after it; a failed attempt clears the mark so a retry runs again.
 */
export function dynamoOnce(client: DynamoDBClient, tableName: string, config: IdempotencyConfig): Once {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: STATE_TABLE.partitionKey,
    sortKeyAttr: STATE_TABLE.sortKey,
    expiryAttr: STATE_TABLE.ttlAttribute,
    awsSdkV3Client: client,
  });
  const run = makeIdempotent(async (_request: { key: string }, work: () => Promise<unknown>) => work(), { persistenceStore, config });
  return <T>(key: string, work: () => Promise<T>) => run({ key }, work) as Promise<T>;
}

/** Notifications are deduplicated for a week: far longer than any stream retry. */
export function notificationIdempotency(): IdempotencyConfig {
  return new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: 7 * 86_400 });
}
