import type { VigilConfig } from './schema.js';

type Counted = Pick<VigilConfig, 'checks' | 'whole'>;

/** How many checks the config holds, when a deployed function holds only its share of them too. */
export const checkCount = (config: Counted): number => config.whole?.count ?? config.checks.length;

/** The config's first check, for the examples in an error reply. */
export const firstCheckId = (config: Counted): string | undefined => config.whole?.first ?? config.checks[0]?.id;
