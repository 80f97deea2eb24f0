import { z } from 'zod';

/** What an EventBridge Scheduler schedule (or an operator) sends the run-checks function. */
export const runChecksEvent = z
  .strictObject({
    /** Check ids to run now. */
    checks: z.array(z.string().min(1).max(64)).min(1).max(500).optional(),
    /** A group of checks to run now. */
    group: z.string().min(1).max(64).optional(),
    /** Run and report, record nothing: no incident opens or resolves, nobody is notified. */
    dryRun: z.boolean().default(false),
  })
  .refine((e) => (e.checks === undefined) !== (e.group === undefined), {
    message: 'give either "checks" (a list of check ids) or "group", not both and not neither',
  });

export type RunChecksEvent = z.output<typeof runChecksEvent>;

export const runChecksExample = { checks: ['api-health'], dryRun: true };
