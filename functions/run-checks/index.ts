import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { sdkPorts } from '../../shared/aws/ports.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { DynamoStateStore } from '../../shared/store/dynamo-store.js';
import { createRunChecksHandler } from './handler.js';

const logger = new Logger({ serviceName: 'vigil', persistentKeys: { function: 'run-checks' } });
// Deployed, incident state is on; `vigil invoke` without TABLE_NAME only runs the checks.
const table = process.env.TABLE_NAME;
const store = table ? new DynamoStateStore(DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }), table) : undefined;

// SDK clients once per cold start, not per invocation.
export const handler = createRunChecksHandler({ config, log: logger, aws: sdkPorts(), meter: emfMeter(), ...(store ? { store } : {}) });
