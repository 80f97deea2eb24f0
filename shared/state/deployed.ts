import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REQUEST_TIMEOUTS } from '../aws/timeouts.js';
import { DynamoStateStore } from './dynamo.js';

/** The state store of a deployed function: its table, through a client that gives up on a hung request. */
export function deployedStore(table: string): DynamoStateStore {
  const client = new DynamoDBClient({ requestHandler: REQUEST_TIMEOUTS });
  return new DynamoStateStore(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), table);
}
