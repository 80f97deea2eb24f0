import * as z from '../zod.js';
import { withoutControls } from '../events/text.js';

/** What a job says when it reports in: it ran, how it went, in a line. */
export interface HeartbeatReport {
  /** ISO time Vigil received it. */
  at: string;
  status: 'ok' | 'fail';
  message?: string;
  /** `url` (the function URL) or `cli` (`vigil heartbeat`). */
  via: 'url' | 'cli';
}

/** Reads and writes the newest report of each heartbeat; a report older than the one kept is dropped. */
export interface HeartbeatsPort {
  getHeartbeat(checkId: string): Promise<HeartbeatReport | undefined>;
  putHeartbeat(checkId: string, report: HeartbeatReport): Promise<void>;
}

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
