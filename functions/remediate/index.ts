import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../../shared/aws-env.js';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { sdkPorts } from '../../shared/aws/ports.js';
import { systemClock } from '../../shared/clock.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { DynamoStateStore } from '../../shared/store/dynamo-store.js';
import { createRemediateHandler } from './handler.js';

export const handler = createRemediateHandler({
  meter: emfMeter(),
  config,
  store: new DynamoStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }), requireEnv('TABLE_NAME')),
  aws: sdkPorts(),
  clock: systemClock,
  log: new Logger({ serviceName: 'vigil', persistentKeys: { function: 'remediate' } }),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  // Replaced per invocation from Lambda's context.
  deadline: () => new Date(Date.now() + 60_000),
  remediateFunction: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'the Vigil remediate function',
});
