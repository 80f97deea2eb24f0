export { defineConfig, loadConfigFile, parseConfig } from './load.js';
export type { CheckConfig, CheckInput, VigilConfig, VigilConfigInput } from './schema.js';
