import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import rawConfig from '../../vigil.config.js';
import { requireEnv } from '../../shared/aws-env.js';
import { systemClock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import { DynamoStateStore } from '../../shared/store/dynamo-store.js';
import { createIncidentsHandler } from './handler.js';

const config = parseConfig(rawConfig);

export const handler = createIncidentsHandler({
  config,
  store: new DynamoStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }), requireEnv('TABLE_NAME')),
  clock: systemClock,
  log: new Logger({ serviceName: 'vigil', persistentKeys: { function: 'incidents' } }),
});
