import { unanswered } from '../aws/retries.js';
import { brakeApplies } from '../config/brake.js';
import type { VigilConfig } from '../config/schema.js';
import { policyFor } from '../incidents/policy.js';
import type { Log } from '../log.js';
import type { Meter } from '../metrics.js';
import type { Brakes, CheckStates, IncidentRecords, StatusRecords, Timeline, TimelineEntry } from '../state/ports.js';
import { publishStatus, type StatusSink } from '../status/publish.js';
import { watchIncidents } from '../guardrails/brake-store.js';
import { failingDependents, toldWith } from './dependents.js';
import { buildNotification, type Notification } from './message.js';
import { handoffEvent, type EventPublisher } from './handoff.js';
import type { CheckConfig } from '../config/schema.js';
import type { Incident, Transition } from '../state/check-state.js';
import type { Publisher } from './publisher.js';
import type { StreamTransition } from './stream.js';

export interface NotifyDeps {
  config: VigilConfig;
  store: Timeline & IncidentRecords & CheckStates & Brakes & StatusRecords;
  publisher: Publisher;
  log: Log;
  /** Where messages go: the on-call's, escalations (the chain's first level, unless a level names its own), and stakeholders' updates. */
  topics: { main: string; escalation?: string | undefined; stakeholders?: string | undefined };
  /** Named in the message's acknowledge instructions. */
  incidentsFunction: string;
  meter?: Meter;
  /** Every transition also goes to this EventBridge bus, for pagers, chat tools and a team's own functions. */
  handoff?: Handoff | undefined;
  /** Where the status page is written after each transition. */
  statusPage?: StatusSink | undefined;
}

export interface Handoff {
  bus: string;
  publisher: EventPublisher;
}

/**
 * Sends of one message that went unanswered (a lost reply, a timeout waiting for it) before notify
 * stops sending it: each was likely delivered already.
 */
export const MAX_UNANSWERED_SENDS = 2;

/**
 * Transitions sent however the incident is silenced: an action taken (or one that would have been), a plan awaiting
 * approval, the silence itself, and a status update (Vigil's own come only while nothing holds it: a person's is meant).
 */
const ALWAYS_SENT = new Set(['acted', 'observed', 'proposed', 'silenced', 'updated']);

/**
 * At least once, and few copies. The transition's delivery line (`<seq>.1` on its timeline) says
 * where its message stands: `sending` with the count of sends that went unanswered, then `notified`
 * (or `not-notified`, silenced) once final. After MAX_UNANSWERED_SENDS it is recorded as sent, not
 * sent again. Nothing the table does stops a send: a line notify cannot read is sent anyway, and one
 * it cannot write lets a retry send again (every copy carries the same deduplication key). An attempt
 * that dies right after sending is one more copy on each delivery of the record (docs/state.md).
 */
export async function deliver({ state, transition }: StreamTransition, deps: NotifyDeps): Promise<void> {
  const { store, config, log } = deps;
  const incident = state.incident;
  const recorded = await readLine(deps, incident.id, transition, `${transition.seq}.1`);
  const final = recorded && recorded.kind !== 'sending';
  // A silenced incident's news is recorded, not sent: but what Vigil does (or asks leave to do) is always told, and
  // a resolution goes out when the page did, to close it downstream.
  const closesPage = transition.kind === 'resolved' && incident.notificationsSent > 0 && config.incidents.resolveSilenced;
  const held = incident.silenced && !ALWAYS_SENT.has(transition.kind) && !closesPage;
  const check = config.checks.find((c) => c.id === incident.checkId);
  let built: Promise<Notification> | undefined;
  const message = () => (built ??= messageFor(incident, transition, check, deps));
  if (!final && held) {
    await store.putDeliveryLine(
      incident.id,
      lineOf(transition, `${transition.seq}.1`)('not-notified', `silenced: ${incident.silenceReason ?? 'by an operator'}`),
    );
    log.info(`${incident.id} ${transition.kind}, silenced: not sent`, { incidentId: incident.id });
  } else if (!final) {
    const m = await message();
    const topic = topicFor(transition, deps);
    try {
      await sendCounted(
        deps,
        incident.id,
        transition,
        { key: `${transition.seq}.1`, recorded, subject: m.subject, done: 'notified', what: 'Notifications' },
        async () => {
          const { messageId } = await deps.publisher.publish(topic, m);
          log.info(`notified: ${m.subject}`, { incidentId: incident.id, transition: transition.kind, messageId });
        },
      );
    } catch (err) {
      // Sent, but the table did not take the line: the event still follows the message, then the record comes again.
      if (!(err instanceof SentUnrecorded) || !deps.handoff) throw err instanceof SentUnrecorded ? err.cause : err;
      await handOff(deps, deps.handoff, incident, transition, { messageWasFinal: false, paged: !held, message, tags: check?.tags ?? {} });
      throw err.cause;
    }
  }
  if (deps.handoff) await handOff(deps, deps.handoff, incident, transition, { messageWasFinal: !!final, paged: !held, message, tags: check?.tags ?? {} });
  await store.putIncident(incident, transition);
  await store.appendTimeline(incident.id, {
    at: transition.at,
    kind: transition.kind,
    by: transition.by,
    summary: incident.summary,
    ...(transition.reason ? { reason: transition.reason } : {}),
    key: `${transition.seq}`,
  });
  if (deps.meter) await gaugeOpenIncidents(deps);
  if (deps.statusPage) await drawStatusPage(deps, deps.statusPage, incident, transition);
  // The transitions that change how many incidents are active: the brake is engaged, calmed or lifted on them.
  if ((transition.kind === 'opened' || transition.kind === 'resolved') && brakeApplies(config))
    await watchBrake(deps, transition.kind, new Date(transition.at));
}

async function messageFor(incident: Incident, transition: Transition, check: CheckConfig | undefined, deps: NotifyDeps): Promise<Notification> {
  const { store, config, log } = deps;
  return buildNotification(incident, transition, {
    check,
    policy: check ? policyFor(check, config) : undefined,
    incidentsFunction: deps.incidentsFunction,
    dependents: await failingDependents(store, config, incident.checkId, transition.kind).catch((err: unknown) => {
      log.warn('could not read the checks that depend on this one; sending without them', { incidentId: incident.id, error: messageOf(err) });
      return [];
    }),
    grouped: await toldWith(store, config, incident, transition.kind).catch((err: unknown) => {
      log.warn('could not read the incidents told with this one; sending without them', { incidentId: incident.id, error: messageOf(err) });
      return undefined;
    }),
  });
}

/**
 * The transition as an EventBridge event, after its message (or its silence) is on record: its own
 * delivery line (`<seq>.2`), counted as the message's is. Until the message's line was final, no event
 * can have been put, so only a record delivered again reads the event's line.
 */
async function handOff(
  deps: NotifyDeps,
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

/** A send that went out, whose line the table did not take: the record comes again, and the send is one more copy. */
class SentUnrecorded extends Error {
  constructor(override readonly cause: unknown) {
    super('sent, and its delivery line was not recorded');
  }
}

/**
 * One send, at least once and at most MAX_UNANSWERED_SENDS times unanswered: its line says where it
 * stands, `sending` with the sends that went unanswered, then `done` once final.
 */
async function sendCounted(
  deps: NotifyDeps,
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
const lineOf =
  (transition: Transition, key: string) =>
  (kind: string, summary: string, sends?: number): TimelineEntry => ({ at: transition.at, kind, by: 'vigil', summary, key, ...(sends ? { sends } : {}) });

/** A delivery line, or undefined: one notify cannot read is sent anyway (a copy at worst). */
async function readLine(deps: NotifyDeps, incidentId: string, transition: Transition, key: string): Promise<TimelineEntry | undefined> {
  return deps.store.getTimelineEntry(incidentId, transition.at, key).catch((err: unknown) => {
    deps.log.warn('could not read whether this transition was sent; sending it (a copy at worst)', { incidentId, error: messageOf(err) });
    return undefined;
  });
}

/** The escalation chain's level its own topic, or the escalations topic; a status update the stakeholders'; the rest the on-call's. */
function topicFor(transition: Transition, { topics, config }: NotifyDeps): string {
  if (transition.kind === 'updated') return topics.stakeholders ?? topics.main;
  if (transition.kind !== 'escalated') return topics.main;
  const level = transition.level ? config.incidents.escalation[transition.level.index - 1] : undefined;
  return level?.topic ?? topics.escalation ?? topics.main;
}

/**
 * The status page, after the message: a failure costs the page this transition (counted, logged, alarmed), never a
 * message; the page catches up at the incident's next transition.
 */
async function drawStatusPage(deps: NotifyDeps, sink: StatusSink, incident: Incident, transition: Transition): Promise<void> {
  try {
    await publishStatus({ config: deps.config, store: deps.store, sink, now: () => new Date(transition.at) }, incident, transition);
  } catch (err) {
    deps.meter?.count('StatusPageFailed', 1, { name: 'Kind', value: transition.kind });
    deps.log.error("could not update the status page; it catches up at this incident's next transition", { incidentId: incident.id, error: messageOf(err) });
  }
}

/** The brake, after the incident is recorded (so it is counted): a failure costs the brake's timing, never the message. */
async function watchBrake(deps: NotifyDeps, change: 'opened' | 'resolved', at: Date): Promise<void> {
  try {
    await watchIncidents({ config: deps.config, store: deps.store, clock: { now: () => at } }, change);
  } catch (err) {
    deps.log.warn('could not update the brake; the next transition or automatic action does', { error: messageOf(err) });
  }
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

/** The dashboard's open-incident level, after the message: a failing count costs a data point, never a notification. */
async function gaugeOpenIncidents(deps: NotifyDeps): Promise<void> {
  try {
    deps.meter!.gauge('OpenIncidents', await deps.store.countActiveIncidents());
  } catch (err) {
    deps.log.warn('could not count open incidents for the dashboard', { error: err instanceof Error ? err.message : String(err) });
  }
}
