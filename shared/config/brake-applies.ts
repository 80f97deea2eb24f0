import type { BrakePolicy } from './brake.js';

// Apart from the brake's schema, so that notify, which asks this after every opening and resolution, loads no zod.

/** Whether the brake has anything to hold: it is on, and some remediation may act without a human. */
export const brakeApplies = (config: { brake: BrakePolicy; remediations: readonly { mode: string }[] }): boolean =>
  config.brake.enabled && config.remediations.some((r) => r.mode === 'auto');
