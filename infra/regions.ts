import type { VigilConfig } from '../shared/config/schema.js';

/** The probe function's name in every region: run-checks at home asks it by this name. */
export const regionProbeName = (environmentName: string) => `vigil-${environmentName}-probe`;

/** The regions a config's checks also run from, besides Vigil's own (when known). */
export const regionsOf = (config: VigilConfig, home?: string) =>
  [...new Set(config.checks.flatMap((c) => c.fromRegions ?? []))].filter((r) => r !== home).sort();
