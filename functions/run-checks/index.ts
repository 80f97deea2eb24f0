import { emfMeter } from '../../shared/aws/emf-meter.js';
import { sdkPorts } from '../../shared/aws/ports.js';
import { deployedChecksApart, deployedConfig as config } from '../../shared/config/deployed.js';
import { checksBeside } from '../../shared/config/checks-beside.js';
import { deployedStore } from '../../shared/state/deployed.js';
import { createRunChecksHandler } from './handler.js';
import { maskedHandler } from '../../shared/secrets/sinks.js';
import { vigilLog } from '../../shared/aws/log.js';

const logger = vigilLog('run-checks');
// Deployed, incident state is on; `vigil invoke` without TABLE_NAME only runs the checks.
const table = process.env.TABLE_NAME;
const store = table ? deployedStore(table) : undefined;

// SDK clients once per cold start, not per invocation.
// Deployed, the checks are files beside the code: a round reads its bucket's, a run by hand all of them.
const configFor = deployedChecksApart ? checksBeside(config, new URL('./', import.meta.url)) : undefined;

const aws = sdkPorts();
// Checks that name regions also run from Vigil's probe function in each (infra/region-stack.ts).
const regions = { home: process.env.AWS_REGION ?? 'here', ...(process.env.REGION_PROBE_FUNCTION ? { probes: aws['region-probes'] } : {}) };

export const handler = maskedHandler(
  createRunChecksHandler({ config, ...(configFor ? { configFor } : {}), log: logger, aws, regions, meter: emfMeter(), ...(store ? { store } : {}) }),
);
