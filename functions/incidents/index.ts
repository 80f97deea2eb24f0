import { requireEnv } from '../../shared/aws-env.js';
import { emfMeter } from '../../shared/aws/emf-meter.js';
import { systemClock } from '../../shared/clock.js';
import { deployedChecksApart, deployedConfig as config } from '../../shared/config/deployed.js';
import { catalogIn, configAround } from '../../shared/config/catalog.js';
import { deployedStore } from '../../shared/state/deployed.js';
import { createIncidentsHandler } from './handler.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { vigilLog } from '../../shared/aws/log.js';

// Deployed, the checks are files beside the code: a request reads the ones it names.
const configFor = deployedChecksApart ? configAround(config, catalogIn(new URL('./', import.meta.url))) : undefined;

export const handler = maskedHandler(
  createIncidentsHandler({
    meter: emfMeter(),
    config,
    ...(configFor ? { configFor } : {}),
    store: deployedStore(requireEnv('TABLE_NAME')),
    clock: systemClock,
    log: vigilLog('incidents'),
  }),
);
