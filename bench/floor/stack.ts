// A handler with Vigil's chosen stack and none of its logic: the DynamoDB client, the Powertools logger
// and metrics, and zod validating the run-checks event. What any function on this stack loads at least.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { runChecksEvent } from '../../shared/events/run-checks.js';
import { validateEvent } from '../../shared/events/validate.js';

const logger = new Logger({ serviceName: 'vigil' });
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const meter = emfMeter();

export const handler = async (event: unknown) => ({ client, logger, meter, parsed: validateEvent(runChecksEvent, event) });
