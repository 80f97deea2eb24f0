import { deployedConfig as config } from '../../shared/config/deployed.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { vigilLog } from '../../shared/aws/log.js';
import { createRegionProbeHandler } from './handler.js';

// Deployed in each region the config's checks name, by that region's stack (infra/region-stack.ts).
export const handler = maskedHandler(createRegionProbeHandler({ config, region: process.env.AWS_REGION ?? 'unknown', log: vigilLog('region-probe') }));
