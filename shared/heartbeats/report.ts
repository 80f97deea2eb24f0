import * as z from '../zod.js';
import { withoutControls } from '../text.js';

export const MESSAGE_CHARS = 200;

/** A report's fields as a job sends them (query string or JSON body), checked, with a clear error for each. */
export const reportInput = z.strictObject({
  status: z._default(z.enum(['ok', 'fail']), 'ok'),
  message: z.optional(z.string().check(z.maxLength(2000))),
});

/** One line, at most 200 characters: a job's output is not a log. */
export const shortMessage = (message: string | undefined): string | undefined => {
  const line = message === undefined ? '' : withoutControls(message).replace(/\s+/g, ' ').trim();
  return line ? (line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS - 1)}…` : line) : undefined;
};
