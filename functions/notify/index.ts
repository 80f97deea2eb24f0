import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { requireEnv } from '../../shared/aws-env.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { dynamoOnce, notificationIdempotency } from '../../shared/notifications/once.js';
import { SnsPublisher } from '../../shared/notifications/publisher.js';
import { DynamoStateStore } from '../../shared/store/dynamo-store.js';
import { createNotifyHandler } from './handler.js';

const table = requireEnv('TABLE_NAME');
const dynamo = new DynamoDBClient({});
const idempotency = notificationIdempotency();

const notify = createNotifyHandler({
  meter: emfMeter(),
  config,
  store: new DynamoStateStore(DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }), table),
  publisher: new SnsPublisher(new SNSClient({})),
  once: dynamoOnce(dynamo, table, idempotency),
  log: new Logger({ serviceName: 'vigil', persistentKeys: { function: 'notify' } }),
  topics: { main: requireEnv('TOPIC_ARN'), escalation: process.env.ESCALATION_TOPIC_ARN },
  incidentsFunction: process.env.INCIDENTS_FUNCTION ?? 'the Vigil incidents function',
});

export const handler = (event: DynamoDBStreamEvent, context: Context) => {
  // Lets an in-progress mark expire with this invocation if it dies mid-publish.
  idempotency.registerLambdaContext(context);
  return notify(event);
};
