import type { Severity } from '../config/names.js';
import type { Incident, Transition } from '../state/check-state.js';
import type { StatusSink } from '../status/publish.js';
import type { VigilConfig } from '../config/schema.js';
import type { StatusRecords } from '../state/ports.js';
import { readLine, sendCounted, SentUnrecorded, type LineDeps } from './delivery-lines.js';
import { handoffEvent, type EventPublisher } from './handoff-event.js';
import type { Notification } from './message.js';
import { opsItemStep, type OpsItems } from './ops-items.js';
import { unanswered } from '../aws/retries.js';

// What follows a transition's message: its EventBridge event, its OpsItem, the status page. None holds a message back.

/** The bus every transition is put on as an event. */
export interface Handoff {
  bus: string;
  publisher: EventPublisher;
}

/** What the hand-offs need of notify's wiring. */
export type HandOffDeps = LineDeps & { config: VigilConfig; store: LineDeps['store'] & StatusRecords };

/**
 * The transition as an EventBridge event, after its message (or its silence) is on record: its own
 * delivery line (`<seq>.2`), counted as the message's is. Until the message's line was final, no event
 * can have been put, so only a record delivered again reads the event's line.
 */
export async function handOff(
  deps: HandOffDeps,
  handoff: Handoff,
  incident: Incident,
  transition: Transition,
  how: { messageWasFinal: boolean; paged: boolean; message: () => Promise<Notification>; tags: Record<string, string> },
): Promise<void> {
  const key = `${transition.seq}.2`;
  const recorded = how.messageWasFinal ? await readLine(deps, incident.id, transition, key) : undefined;
  if (recorded && recorded.kind !== 'sending') return;
  const m = await how.message();
  try {
    await sendCounted(deps, incident.id, transition, { key, recorded, subject: m.subject, done: 'handed-off', what: 'HandoffEvents' }, async () => {
      const { eventId } = await handoff.publisher.put(handoff.bus, handoffEvent(incident, transition, m, how.paged, how.tags));
      deps.log.info(`handed off: ${m.subject}`, { incidentId: incident.id, transition: transition.kind, eventId });
    });
  } catch (err) {
    // An event that may be out is settled by the record coming again (counted, at most twice). One EventBridge
    // refused is given up: the hand-off must never hold back the messages of the transitions after it.
    if (unanswered(err) || err instanceof SentUnrecorded) throw err instanceof SentUnrecorded ? err.cause : err;
    deps.meter?.count('HandoffEventsFailed', 1, { name: 'Kind', value: transition.kind });
    deps.log.error(`could not hand off the event; the message went out: ${m.subject}`, { incidentId: incident.id, error: messageOf(err) });
  }
}

/**
 * The incident's OpsItem, after its message: opened, taken up or resolved with it. Every call is safe to repeat
 * (OpsCenter deduplicates an open item's creation), so a record delivered again repeats it harmlessly; a failure is
 * counted and logged, and never holds a message back.
 */
export async function trackOpsItem(
  deps: HandOffDeps,
  ops: OpsItems,
  severities: readonly Severity[],
  incident: Incident,
  transition: Transition,
  message: () => Promise<Notification>,
): Promise<void> {
  if (!['opened', 'acknowledged', 'resolved'].includes(transition.kind) || !severities.includes(incident.severity)) return;
  try {
    const step = opsItemStep(incident, transition, await message(), severities);
    if (step?.kind === 'create') await ops.create(step.item);
    if (step?.kind === 'status') {
      const id = await ops.findOpen(incident.id);
      if (id) await ops.setStatus(id, step.status);
    }
  } catch (err) {
    deps.meter?.count('OpsItemsFailed', 1, { name: 'Kind', value: transition.kind });
    deps.log.error(`could not update the OpsItem of ${incident.id}; the message went out`, { incidentId: incident.id, error: messageOf(err) });
  }
}

/**
 * The status page, after the message: a failure costs the page this transition (counted, logged, alarmed), never a
 * message; the page catches up at the incident's next transition.
 */
export async function drawStatusPage(deps: HandOffDeps, sink: StatusSink, incident: Incident, transition: Transition): Promise<void> {
  try {
    // Loaded on first use: drawing the page is not on the way to any message, so a cold start does not pay for it first.
    const { publishStatus } = await import('../status/publish.js');
    await publishStatus({ config: deps.config, store: deps.store, sink, now: () => new Date(transition.at) }, incident, transition);
  } catch (err) {
    deps.meter?.count('StatusPageFailed', 1, { name: 'Kind', value: transition.kind });
    deps.log.error("could not update the status page; it catches up at this incident's next transition", { incidentId: incident.id, error: messageOf(err) });
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
