import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { requireEnv } from '../../shared/aws-env.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { SnsPublisher } from '../../shared/notifications/sns-publisher.js';
import { deployedStore } from '../../shared/store/deployed.js';
import { createNotifyHandler } from './handler.js';

const notify = createNotifyHandler({
  meter: emfMeter(),
  config,
  store: deployedStore(requireEnv('TABLE_NAME')),
  publisher: new SnsPublisher(),
  log: new Logger({ serviceName: 'vigil', persistentKeys: { function: 'notify' } }),
  topics: { main: requireEnv('TOPIC_ARN'), escalation: process.env.ESCALATION_TOPIC_ARN },
  incidentsFunction: process.env.INCIDENTS_FUNCTION ?? 'the Vigil incidents function',
});

export const handler = (event: DynamoDBStreamEvent) => notify(event);
