import { Logger } from '@aws-lambda-powertools/logger';
import { requireEnv } from '../../shared/aws-env.js';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { systemClock } from '../../shared/clock.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { deployedStore } from '../../shared/store/deployed.js';
import { createIncidentsHandler } from './handler.js';

export const handler = createIncidentsHandler({
  meter: emfMeter(),
  config,
  store: deployedStore(requireEnv('TABLE_NAME')),
  clock: systemClock,
  log: new Logger({ serviceName: 'vigil', persistentKeys: { function: 'incidents' } }),
});
