import type { DynamoDBStreamEvent } from 'aws-lambda';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { requireEnv } from '../../shared/aws-env.js';
import { deployedChecksApart, deployedConfig } from '../../shared/config/deployed.js';
import { catalogIn, configAround } from '../../shared/config/catalog.js';
import { SnsPublisher } from '../../shared/notifications/sns-publisher.js';
import { lazyEventPublisher } from '../../shared/notifications/lazy-event-publisher.js';
import { lazyS3StatusSink } from '../../shared/status/lazy-s3-sink.js';
import { lazyOpsItems } from '../../shared/notifications/lazy-ops-items.js';
import { deployedStore } from '../../shared/state/deployed.js';
import { createNotifyHandler } from './handler.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { vigilLog } from '../../shared/aws/log.js';

// The page's address: the config's, or CloudFront's when the stack serves it there (known only at deploy).
const url = deployedConfig.statusPage.url ?? process.env.STATUS_PAGE_URL;
const config = url ? { ...deployedConfig, statusPage: { ...deployedConfig.statusPage, url } } : deployedConfig;

// Deployed, the checks are files beside the code: a message reads the ones it is about.
const configFor = deployedChecksApart ? configAround(config, catalogIn(new URL('./', import.meta.url))) : undefined;

const notify = createNotifyHandler({
  meter: emfMeter(),
  config,
  ...(configFor ? { configFor } : {}),
  store: deployedStore(requireEnv('TABLE_NAME')),
  publisher: new SnsPublisher(),
  log: vigilLog('notify'),
  topics: { main: requireEnv('TOPIC_ARN'), escalation: process.env.ESCALATION_TOPIC_ARN, stakeholders: process.env.STAKEHOLDERS_TOPIC_ARN },
  incidentsFunction: process.env.INCIDENTS_FUNCTION ?? 'the Vigil incidents function',
  handoff: process.env.EVENT_BUS_NAME ? { bus: process.env.EVENT_BUS_NAME, publisher: lazyEventPublisher() } : undefined,
  statusPage: process.env.STATUS_BUCKET ? lazyS3StatusSink(process.env.STATUS_BUCKET) : undefined,
  opsItems: config.incidents.opsCenter ? lazyOpsItems() : undefined,
});

export const handler = maskedHandler((event: DynamoDBStreamEvent) => notify(event));
