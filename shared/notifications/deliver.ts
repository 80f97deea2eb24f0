import { brakeApplies } from '../config/brake-applies.js';
import type { CheckConfig, VigilConfig } from '../config/schema.js';
import { policyFor } from '../incidents/policy.js';
import type { Log } from '../log.js';
import type { Meter } from '../metrics.js';
import type { Brakes, CheckStates, IncidentRecords, StatusRecords, Timeline } from '../state/ports.js';
import type { StatusSink } from '../status/publish.js';
import { watchIncidents } from '../guardrails/brake-store.js';
import { failingDependents, toldWith } from './dependents.js';
import { buildNotification, type Notification } from './message.js';
import type { OpsItems } from './ops-items.js';
import { drawStatusPage, handOff, trackOpsItem, type Handoff } from './hand-offs.js';
import { lineOf, readLine, sendCounted, SentUnrecorded } from './delivery-lines.js';
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
  /** OpsCenter, for the incidents of the severities `incidents.opsCenter` names. */
  opsItems?: OpsItems | undefined;
}

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
  if (deps.opsItems && config.incidents.opsCenter)
    await trackOpsItem(deps, deps.opsItems, config.incidents.opsCenter.severities, incident, transition, message);
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

/** The escalation chain's level its own topic, or the escalations topic; a status update the stakeholders'; the rest the on-call's. */
function topicFor(transition: Transition, { topics, config }: NotifyDeps): string {
  if (transition.kind === 'updated') return topics.stakeholders ?? topics.main;
  if (transition.kind !== 'escalated') return topics.main;
  const level = transition.level ? config.incidents.escalation[transition.level.index - 1] : undefined;
  return level?.topic ?? topics.escalation ?? topics.main;
}

/** The brake, after the incident is recorded (so it is counted): a failure costs the brake's timing, never the message. */
async function watchBrake(deps: NotifyDeps, change: 'opened' | 'resolved', at: Date): Promise<void> {
  try {
    await watchIncidents({ config: deps.config, store: deps.store, clock: { now: () => at } }, change);
  } catch (err) {
    deps.log.warn('could not update the brake; the next transition or automatic action does', { error: messageOf(err) });
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
