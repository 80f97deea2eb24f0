import * as z from '../zod.js';

/**
 * The brake over the whole system: when too many checks fail at once, or automatic actions across all targets
 * pass a budget, every automatic action is proposed instead, until failures have fallen back for a while or an
 * operator releases it. The per-target circuit breaker is each remediation's own.
 */
export const brakeSchema = z.prefault(
  z.strictObject({
    /** Off: only the per-target guardrails hold actions back. Default: on. */
    enabled: z._default(z.boolean(), true),
    /**
     * Engaged when this many incidents (of checks and alarms) open within `windowMinutes` (`count`), or this share
     * of Vigil's checks fails within it (`share`, and at least 3 checks). Default: 20, or half the checks, within 10 minutes.
     */
    failing: z.prefault(
      z.strictObject({
        /** Incidents opened within the window that engage it. Default: 20. */
        count: z._default(z.int().check(z.minimum(2), z.maximum(100_000)), 20),
        /** The share of Vigil's checks failing within the window that engages it (and at least 3). Default: 0.5. */
        share: z._default(z.number().check(z.positive(), z.maximum(1)), 0.5),
        /** The window both are counted in. Default: 10. */
        windowMinutes: z._default(z.number().check(z.positive(), z.maximum(1440)), 10),
      }),
      {},
    ),
    /** Automatic actions across all targets in an hour; the next one engages the brake. Default: 20. */
    actionsPerHour: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 20),
    /** Lifted once fewer incidents than `failing` engages on are active for this long. Default: 15. */
    calmMinutes: z._default(z.number().check(z.positive(), z.maximum(1440)), 15),
  }),
  {},
);

export type BrakePolicy = z.output<typeof brakeSchema>;
