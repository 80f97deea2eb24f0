import rawConfig from '../../vigil.config.js';
import { parseConfig } from './load.js';
import type { VigilConfig } from './schema.js';

/**
 * The config a function runs. Run from source (tests, `npm start`), it is vigil.config.ts, validated here.
 * In a deployed bundle, infra/bundle.ts replaces this module with the config the stack was synthesized
 * from, validated at synth: the functions run exactly what `cdk deploy` planned, and a cold start does
 * not validate it again.
 */
export const deployedConfig: VigilConfig = parseConfig(rawConfig);
