import * as z from '../zod.js';

const limitsShape = {
  warnAbove: z.optional(z.number()),
  failAbove: z.optional(z.number()),
};
const someLimit = z.refine<{ warnAbove?: number | undefined; failAbove?: number | undefined }>((l) => l.warnAbove !== undefined || l.failAbove !== undefined, {
  message: 'give warnAbove, failAbove or both',
});
/** Limits on one number: above `warnAbove` it warns, above `failAbove` it fails; at least one. */
const limits = z.strictObject(limitsShape).check(someLimit);

/**
 * A check judged over its latest rounds as well as this one: the runbooks' "error share over the last 100
 * probes above 1%", "average response over 500 ms", "memory grows over 10% across the last 10 samples".
 * A rule that trips makes the round's finding worse, never better.
 */
export const windowSchema = z
  .strictObject({
    /** How many of its latest rounds it judges, this one included (2 to 100). */
    samples: z.int().check(z.minimum(2), z.maximum(100)),
    /** Rounds it needs before it judges; until then the finding says how many it has. Default: all of `samples`. */
    minSamples: z.optional(z.int().check(z.minimum(2))),
    /** The observed number the value rules read, e.g. `latencyMs` (http), `value` (metric), `durationMs` (any check). */
    of: z.optional(z.string().check(z.minLength(1))),
    /** The share of rounds that failed or could not tell (`fail`, `error`), in percent. */
    failingShare: z.optional(limits),
    /** The average of `of` over the rounds that observed it. */
    average: z.optional(limits),
    /** A percentile of `of`, e.g. 95. */
    percentile: z.optional(z.strictObject({ p: z.number().check(z.minimum(1), z.maximum(100)), ...limitsShape }).check(someLimit)),
    /** How much `of` grew from the window's first value to its last, in percent. */
    growth: z.optional(limits),
  })
  .check(
    z.superRefine((w, ctx) => {
      if (!w.failingShare && !w.average && !w.percentile && !w.growth)
        ctx.addIssue({ code: 'custom', path: [], message: 'give at least one rule: failingShare, average, percentile or growth' });
      if ((w.average || w.percentile || w.growth) && !w.of)
        ctx.addIssue({ code: 'custom', path: ['of'], message: 'required with average, percentile or growth: which observed number, e.g. "latencyMs"' });
      if (w.minSamples !== undefined && w.minSamples > w.samples)
        ctx.addIssue({ code: 'custom', path: ['minSamples'], message: `at most samples (${w.samples})` });
    }),
  );

export type WindowConfig = z.output<typeof windowSchema>;
