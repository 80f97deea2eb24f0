import rawConfig from '../../vigil.config.js';
import { loadConfigFile, parseConfig } from './load.js';
import type { VigilConfig } from './schema.js';

/**
 * The config a function runs. Run from source (tests, `npm start`), it is vigil.config.ts, validated here,
 * or the file VIGIL_CONFIG names (`vigil invoke --config`).
 * In a deployed bundle, infra/bundle.ts replaces this module with the config the stack was synthesized
 * from, validated at synth: the functions run exactly what `cdk deploy` planned, and a cold start does
 * not validate it again.
 */
export const deployedConfig: VigilConfig = process.env.VIGIL_CONFIG ? await loadConfigFile(process.env.VIGIL_CONFIG) : parseConfig(rawConfig);

/**
 * Whether the checks were left out of `deployedConfig` and ship as files beside the code instead (a
 * run-checks function's: `buckets/<id>.json` per bucket, `checks/all.json` for a run by hand). From source, never.
 */
export const deployedChecksApart = false;
