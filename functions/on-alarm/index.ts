import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { requireEnv } from '../../shared/aws-env.js';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { sdkPorts } from '../../shared/aws/ports.js';
import { systemClock } from '../../shared/clock.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { dynamoOnce } from '../../shared/notifications/once.js';
import { DynamoStateStore } from '../../shared/store/dynamo-store.js';
import { createOnAlarmHandler } from './handler.js';

const table = requireEnv('TABLE_NAME');
const dynamo = new DynamoDBClient({});
const idempotency = new IdempotencyConfig({ expiresAfterSeconds: 24 * 3600 });

const onAlarm = createOnAlarmHandler({
  meter: emfMeter(),
  config,
  store: new DynamoStateStore(DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }), table),
  aws: sdkPorts(),
  clock: systemClock,
  log: new Logger({ serviceName: 'vigil', persistentKeys: { function: 'on-alarm' } }),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  once: dynamoOnce(dynamo, table, idempotency),
  remediateFunction: process.env.REMEDIATE_FUNCTION ?? 'the Vigil remediate function',
});

export const handler = (event: unknown, context: Context) => {
  idempotency.registerLambdaContext(context);
  return onAlarm(event);
};
