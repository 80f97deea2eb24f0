import * as z from '../zod.js';

/** What a tick's EventBridge Scheduler schedule sends the dispatch function. */
export const dispatchEvent = z.strictObject({
  /** The tick's name: its schedule's, as `vigil plan` lists it. */
  tick: z.string().check(z.minLength(1), z.maxLength(64)),
});
