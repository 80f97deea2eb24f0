import { unanswered } from '../aws/retries.js';
import { brakeApplies } from '../config/brake.js';
import type { VigilConfig } from '../config/schema.js';
import { policyFor } from '../incidents/policy.js';
import type { Log } from '../log.js';
import type { Meter } from '../metrics.js';
import type { Brakes, CheckStates, IncidentRecords, Timeline, TimelineEntry } from '../state/ports.js';
import { watchIncidents } from '../guardrails/brake-store.js';
import { failingDependents, toldWith } from './dependents.js';
import { buildNotification } from './message.js';
import type { Publisher } from './publisher.js';
import type { StreamTransition } from './stream.js';

export interface NotifyDeps {
  config: VigilConfig;
  store: Timeline & IncidentRecords & CheckStates & Brakes;
  publisher: Publisher;
  log: Log;
  topics: { main: string; escalation?: string | undefined };
  /** Named in the message's acknowledge instructions. */
  incidentsFunction: string;
  meter?: Meter;
}

/**
 * Sends of one message that went unanswered (a lost reply, a timeout waiting for it) before notify
 * stops sending it: each was likely delivered already.
 */
export const MAX_UNANSWERED_SENDS = 2;

/** Transitions sent however the incident is silenced: an action taken (or one that would have been), a plan awaiting approval, the silence itself. */
const ALWAYS_SENT = new Set(['acted', 'observed', 'proposed', 'silenced']);

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
  const line = (kind: string, summary: string, sends?: number): TimelineEntry => ({
    at: transition.at,
    kind,
    by: 'vigil',
    summary,
    key: `${transition.seq}.1`,
    ...(sends ? { sends } : {}),
  });
  const recorded = await store.getTimelineEntry(incident.id, transition.at, `${transition.seq}.1`).catch((err: unknown) => {
    log.warn('could not read whether this transition was sent; sending it (a copy at worst)', { incidentId: incident.id, error: messageOf(err) });
    return undefined;
  });
  const final = recorded && recorded.kind !== 'sending';
  // A silenced incident's news is recorded, not sent: but what Vigil does (or asks leave to do) is always told, and
  // a resolution goes out when the page did, to close it downstream.
  const closesPage = transition.kind === 'resolved' && incident.notificationsSent > 0 && config.incidents.resolveSilenced;
  const held = incident.silenced && !ALWAYS_SENT.has(transition.kind) && !closesPage;
  if (!final && held) {
    await store.putDeliveryLine(incident.id, line('not-notified', `silenced: ${incident.silenceReason ?? 'by an operator'}`));
    log.info(`${incident.id} ${transition.kind}, silenced: not sent`, { incidentId: incident.id });
  } else if (!final) {
    const sends = recorded?.sends ?? 0;
    const check = config.checks.find((c) => c.id === incident.checkId);
    const message = buildNotification(incident, transition, {
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
    if (sends >= MAX_UNANSWERED_SENDS) {
      await store.putDeliveryLine(incident.id, line('notified', `${message.subject} (sent ${sends} times, no answer: most likely delivered)`, sends));
      deps.meter?.count('NotificationsUnconfirmed', 1, { name: 'Kind', value: transition.kind });
      log.error(`sent ${sends} times with no answer; not sending again: ${message.subject}`, { incidentId: incident.id, transition: transition.kind });
    } else {
      const topic = transition.kind === 'escalated' && deps.topics.escalation ? deps.topics.escalation : deps.topics.main;
      let messageId: string;
      try {
        ({ messageId } = await deps.publisher.publish(topic, message));
      } catch (err) {
        // No answer: it may be out already, and counts. An error answer, or no connection: not sent, not counted.
        if (unanswered(err)) await tryMark(store, incident.id, line('sending', message.subject, sends + 1), log);
        throw err;
      }
      await store.putDeliveryLine(incident.id, line('notified', message.subject, sends ? sends + 1 : undefined));
      deps.meter?.count('Notifications', 1, { name: 'Kind', value: transition.kind });
      log.info(`notified: ${message.subject}`, { incidentId: incident.id, transition: transition.kind, messageId });
    }
  }
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
  // The transitions that change how many incidents are active: the brake is engaged, calmed or lifted on them.
  if ((transition.kind === 'opened' || transition.kind === 'resolved') && brakeApplies(config))
    await watchBrake(deps, transition.kind, new Date(transition.at));
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
