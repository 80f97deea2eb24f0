import { Logger } from '@aws-lambda-powertools/logger';
import rawConfig from '../../vigil.config.js';
import { parseConfig } from '../../shared/config/load.js';
import { createRunChecksHandler } from './handler.js';

// Built once per cold start; a bad config fails here, loudly, before any event.
const config = parseConfig(rawConfig);
const logger = new Logger({ serviceName: 'vigil', persistentKeys: { function: 'run-checks' } });

export const handler = createRunChecksHandler({ config, log: logger });
