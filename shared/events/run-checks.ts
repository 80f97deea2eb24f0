import * as z from '../zod.js';
import { MAX_CHECKS_PER_INVOCATION } from '../config/limits.js';
import type { VigilConfig } from '../config/schema.js';
import { firstCheckId } from '../config/whole.js';

/** What an EventBridge Scheduler schedule (or an operator) sends the run-checks function. */
export const runChecksEvent = z
  .strictObject({
    /** Check ids to run now. */
    checks: z.optional(
      z
        .array(z.string().check(z.minLength(1), z.maxLength(64)))
        .check(z.minLength(1), z.maxLength(MAX_CHECKS_PER_INVOCATION, `at most ${MAX_CHECKS_PER_INVOCATION} checks per invocation, what its timeout is planned for: send the rest in another`)),
    ),
    /** A group of checks to run now. */
    group: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    /** A group larger than one invocation runs in parts of 50, in config order: which one (from 1). */
    part: z.optional(z.int().check(z.minimum(1))),
    /** The dispatch function's bucket these checks are: its rounds keep a summary of their states, read in one request. */
    bucket: z.optional(z.string().check(z.regex(/^b-[0-9a-f]{16}$/, 'a bucket id as the dispatch function sends it, e.g. "b-3f2a9c1b0d4e5f60"'))),
    /** Run and report, record nothing: no incident opens or resolves, nobody is notified. */
    dryRun: z._default(z.boolean(), false),
  })
  .check(
    z.refine((e) => (e.checks === undefined) !== (e.group === undefined), {
      message: 'give either "checks" (a list of check ids) or "group", not both and not neither',
    }),
    z.refine((e) => e.part === undefined || e.group !== undefined, { path: ['part'], message: 'only with "group": the part of the group to run' }),
  );

export type RunChecksEvent = z.output<typeof runChecksEvent>;

/** A payload that works with this config: its first check, as a dry run. */
export const runChecksExample = (config: Pick<VigilConfig, 'checks' | 'whole'>) => ({ checks: [firstCheckId(config) ?? 'api-health'], dryRun: true });
