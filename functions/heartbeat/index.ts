import { requireEnv } from '../../shared/aws-env.js';
import { sdkPorts } from '../../shared/aws/ports.js';
import { deployedConfig as config } from '../../shared/config/deployed.js';
import { deployedStore } from '../../shared/state/deployed.js';
import { createHeartbeatHandler } from './handler.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { vigilLog } from '../../shared/aws/log.js';

// Each heartbeat's token is its own secret, `<prefix><check id>`, read through the cached Secrets Manager port.
const secrets = sdkPorts().secrets!;
const prefix = requireEnv('HEARTBEAT_SECRET_PREFIX');

export const handler = maskedHandler(
  createHeartbeatHandler({
    config,
    store: deployedStore(requireEnv('TABLE_NAME')),
    tokenOf: (checkId) => secrets.getSecret(`${prefix}${checkId}`, false),
    log: vigilLog('heartbeat'),
  }),
);
