import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../../shared/aws-env.js';
import { systemClock } from '../../shared/clock.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { DynamoStateStore } from '../../shared/store/dynamo-store.js';
import { createIncidentsHandler } from './handler.js';


export const handler = createIncidentsHandler({
  config,
  store: new DynamoStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }), requireEnv('TABLE_NAME')),
  clock: systemClock,
  log: new Logger({ serviceName: 'vigil', persistentKeys: { function: 'incidents' } }),
});
