import * as z from '../zod.js';

/** What an EventBridge Scheduler schedule (or an operator) sends the run-checks function. */
export const runChecksEvent = z
  .strictObject({
    /** Check ids to run now. */
    checks: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(500))),
    /** A group of checks to run now. */
    group: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    /** Run and report, record nothing: no incident opens or resolves, nobody is notified. */
    dryRun: z._default(z.boolean(), false),
  })
  .check(
    z.refine((e) => (e.checks === undefined) !== (e.group === undefined), {
      message: 'give either "checks" (a list of check ids) or "group", not both and not neither',
    }),
  );

export type RunChecksEvent = z.output<typeof runChecksEvent>;

/** A payload that works with this config: its first check, as a dry run. */
export const runChecksExample = (config: { checks: readonly { id: string }[] }) => ({ checks: [config.checks[0]?.id ?? 'api-health'], dryRun: true });
