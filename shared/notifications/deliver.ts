import type { VigilConfig } from '../config/schema.js';
import { policyFor } from '../incidents/policy.js';
import type { Log } from '../log.js';
import type { Meter } from '../metrics.js';
import type { StateStore } from '../store/state-store.js';
import { buildNotification } from './message.js';
import type { Publisher } from './publisher.js';
import type { StreamTransition } from './stream.js';

export interface NotifyDeps {
  config: VigilConfig;
  store: StateStore;
  publisher: Publisher;
  log: Log;
  topics: { main: string; escalation?: string | undefined };
  /** Named in the message's acknowledge instructions. */
  incidentsFunction: string;
  meter?: Meter;
}

/**
 * Sends first, records after: the only thing on the way to SNS is the read that tells whether this
 * transition was sent already (its `notified` line). A record delivered again after that line is
 * written sends nothing; one delivered again before it (a lost Publish reply, an attempt killed
 * right after publishing) sends a copy with the same deduplication key.
 */
export async function deliver({ state, transition }: StreamTransition, deps: NotifyDeps): Promise<void> {
  const { store, config, log } = deps;
  const incident = state.incident;
  const sentKey = `${transition.seq}.1`;
  const sent = await store.getTimelineEntry(incident.id, transition.at, sentKey);
  if (!sent && incident.silenced && transition.kind !== 'silenced') {
    await store.appendTimeline(incident.id, { at: transition.at, kind: 'not-notified', by: 'vigil', summary: `silenced: ${incident.silenceReason ?? 'by an operator'}`, key: sentKey });
    log.info(`${incident.id} ${transition.kind}, silenced: not sent`, { incidentId: incident.id });
  } else if (!sent) {
    const check = config.checks.find((c) => c.id === incident.checkId);
    const message = buildNotification(incident, transition, { check, policy: check ? policyFor(check, config) : undefined, incidentsFunction: deps.incidentsFunction });
    const topic = transition.kind === 'escalated' && deps.topics.escalation ? deps.topics.escalation : deps.topics.main;
    const { messageId } = await deps.publisher.publish(topic, message);
    await store.appendTimeline(incident.id, { at: transition.at, kind: 'notified', by: 'vigil', summary: message.subject, key: sentKey });
    deps.meter?.count('Notifications', 1, { name: 'Kind', value: transition.kind });
    log.info(`notified: ${message.subject}`, { incidentId: incident.id, transition: transition.kind, messageId });
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
}

/** The dashboard's open-incident level, after the message: a failing count costs a data point, never a notification. */
async function gaugeOpenIncidents(deps: NotifyDeps): Promise<void> {
  try {
    deps.meter!.gauge('OpenIncidents', await deps.store.countActiveIncidents());
  } catch (err) {
    deps.log.warn('could not count open incidents for the dashboard', { error: err instanceof Error ? err.message : String(err) });
  }
}
