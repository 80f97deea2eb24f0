import { requireEnv } from '../../shared/aws-env.js';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { systemClock } from '../../shared/clock.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { deployedStore } from '../../shared/state/deployed.js';
import { createIncidentsHandler } from './handler.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { vigilLog } from '../../shared/aws/log.js';

export const handler = maskedHandler(
  createIncidentsHandler({
    meter: emfMeter(),
    config,
    store: deployedStore(requireEnv('TABLE_NAME')),
    clock: systemClock,
    log: vigilLog('incidents'),
  }),
);
