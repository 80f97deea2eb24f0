import * as z from '../zod.js';
import { nameSchema } from '../config/names.js';

/** What EventBridge Scheduler sends when a runbook's schedule fires: the runbook, and the time it was due. */
export const scheduledRunEvent = z.strictObject({
  scheduledRunbook: nameSchema,
  /** The schedule's `<aws.scheduler.scheduled-time>`: the same for every retry of one firing, so it runs once. */
  at: z.iso.datetime({ offset: true }),
});

export type ScheduledRunEvent = z.output<typeof scheduledRunEvent>;

export const isScheduledRun = (event: unknown): boolean => typeof event === 'object' && event !== null && 'scheduledRunbook' in event;
