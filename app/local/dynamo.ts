import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { STATE_TABLE } from '../../shared/state/table.js';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/** dynalite on loopback: the real DynamoDB API over HTTP, in memory, gone when closed. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    endpoint,
    client,
    doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The state table as the CDK stack defines it (keys and the active-incident index). */
export async function createStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, activeIndex } = STATE_TABLE;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [partitionKey, sortKey, activeIndex.partitionKey, activeIndex.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: activeIndex.name,
          KeySchema: [
            { AttributeName: activeIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: activeIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}

/** Every item of a local table, as one scan returns it (a local table is small). */
export async function allItems(dynamo: LocalDynamo, table: string): Promise<Record<string, unknown>[]> {
  const out = await dynamo.doc.send(new ScanCommand({ TableName: table }));
  return out.Items ?? [];
}
