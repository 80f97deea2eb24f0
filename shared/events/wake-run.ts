import * as z from '../zod.js';

/** What a run's one-time schedule sends when its wait is over: the run to go on with. */
export const wakeRunEvent = z.strictObject({
  wakeRun: z.string().check(z.minLength(1), z.maxLength(500)),
});

export type WakeRunEvent = z.output<typeof wakeRunEvent>;

export const isWakeRun = (event: unknown): boolean => typeof event === 'object' && event !== null && 'wakeRun' in event;
