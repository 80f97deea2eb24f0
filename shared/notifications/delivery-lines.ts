import { unanswered } from '../aws/retries.js';
import type { Log } from '../log.js';
import type { Meter } from '../metrics.js';
import type { Transition } from '../state/check-state.js';
import type { Timeline, TimelineEntry } from '../state/ports.js';

/**
 * Sends of one message (or event) that went unanswered (a lost reply, a timeout waiting for it) before notify
 * stops sending it: each was likely delivered already.
 */
export const MAX_UNANSWERED_SENDS = 2;

/** What counting a send needs: where its line goes, and where to say how it went. */
export interface LineDeps {
  store: Timeline;
  log: Log;
  meter?: Meter | undefined;
}

/** A send that went out, whose line the table did not take: the record comes again, and the send is one more copy. */
export class SentUnrecorded extends Error {
  constructor(override readonly cause: unknown) {
    super('sent, and its delivery line was not recorded');
  }
}

/**
 * One send, at least once and at most MAX_UNANSWERED_SENDS times unanswered: its line says where it
 * stands, `sending` with the sends that went unanswered, then `done` once final.
 */
export async function sendCounted(
  deps: LineDeps,
  incidentId: string,
  transition: Transition,
  line: { key: string; recorded: TimelineEntry | undefined; subject: string; done: string; what: 'Notifications' | 'HandoffEvents' },
  send: () => Promise<void>,
): Promise<void> {
  const entry = lineOf(transition, line.key);
  const sends = line.recorded?.sends ?? 0;
  if (sends >= MAX_UNANSWERED_SENDS) {
    await deps.store.putDeliveryLine(incidentId, entry(line.done, `${line.subject} (sent ${sends} times, no answer: most likely delivered)`, sends));
    deps.meter?.count(line.what === 'Notifications' ? 'NotificationsUnconfirmed' : 'HandoffEventsUnconfirmed', 1, { name: 'Kind', value: transition.kind });
    deps.log.error(`sent ${sends} times with no answer; not sending again: ${line.subject}`, { incidentId, transition: transition.kind });
    return;
  }
  try {
    await send();
  } catch (err) {
    // No answer: it may be out already, and counts. An error answer, or no connection: not sent, not counted.
    if (unanswered(err)) await tryMark(deps.store, incidentId, entry('sending', line.subject, sends + 1), deps.log);
    throw err;
  }
  deps.meter?.count(line.what, 1, { name: 'Kind', value: transition.kind });
  await deps.store.putDeliveryLine(incidentId, entry(line.done, line.subject, sends ? sends + 1 : undefined)).catch((err: unknown) => {
    throw new SentUnrecorded(err);
  });
}

/** A delivery line of this transition, at `key`. */
export const lineOf =
  (transition: Transition, key: string) =>
  (kind: string, summary: string, sends?: number): TimelineEntry => ({ at: transition.at, kind, by: 'vigil', summary, key, ...(sends ? { sends } : {}) });

/** A delivery line, or undefined: one notify cannot read is sent anyway (a copy at worst). */
export async function readLine(deps: LineDeps, incidentId: string, transition: Transition, key: string): Promise<TimelineEntry | undefined> {
  return deps.store.getTimelineEntry(incidentId, transition.at, key).catch((err: unknown) => {
    deps.log.warn('could not read whether this transition was sent; sending it (a copy at worst)', { incidentId, error: messageOf(err) });
    return undefined;
  });
}

/** The count of unanswered sends, if the table takes it: a table that does not must not stop the message. */
async function tryMark(store: Timeline, incidentId: string, entry: TimelineEntry, log: Log): Promise<void> {
  try {
    await store.putDeliveryLine(incidentId, entry);
  } catch (err) {
    log.warn('could not count this send; a retry may send another copy', { incidentId, error: messageOf(err) });
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
