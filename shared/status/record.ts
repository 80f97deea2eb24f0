import type { Severity } from '../config/names.js';
import type { Incident, Transition } from '../state/check-state.js';
import type { ComponentStatus, PageIncident, StatusDay, StatusRecord } from '../state/status.js';
import { componentIdsOf, type Component } from './components.js';

/** Days of history kept per component: the page's 90 bars. */
export const HISTORY_DAYS = 90;
/** Resolved incidents stay listed this long, and at most this many incidents are kept. */
const RESOLVED_KEPT_DAYS = 7;
const INCIDENTS_KEPT = 25;
const DAY_MS = 86_400_000;

/** What a severity does to its components: P1 takes them down, P2 part of them, P3 and P4 slow them. */
const STATUS_OF: Record<Severity, ComponentStatus> = { P1: 'major_outage', P2: 'partial_outage', P3: 'degraded_performance', P4: 'degraded_performance' };
const IMPACT_OF: Record<Severity, PageIncident['impact']> = { P1: 'critical', P2: 'major', P3: 'minor', P4: 'minor' };
/** Worst last: the order a day's or a component's state is judged by. */
const SEVERITY_ORDER: ComponentStatus[] = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'];
/** How much of an outage's time counts as down, as Statuspage counts uptime. */
const DOWN_WEIGHT: Partial<Record<ComponentStatus, number>> = { major_outage: 1, partial_outage: 0.3 };

export const STATUS_WORDS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

export const emptyRecord = (): StatusRecord => ({ version: 0, days: {}, incidents: [], active: {}, seen: {} });

export const worse = (a: ComponentStatus, b: ComponentStatus) => (SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b);

/** Someone said to leave it (a silence, a maintenance): not the page's news. One held with another, or for the morning, still is. */
const plainlySilenced = (i: Incident) => i.silenced && !i.causedBy && !i.groupedWith && !i.afterHours;

/**
 * The record after one transition, or undefined when it changes nothing: a transition already applied
 * (delivered again), one about no component, or one the page does not tell.
 */
export function recordTransition(record: StatusRecord, components: readonly Component[], incident: Incident, t: Transition): StatusRecord | undefined {
  if ((record.seen[incident.id] ?? 0) >= t.seq) return undefined;
  const ids = componentIdsOf(components, incident.checkId);
  if (!ids.length) return undefined;
  const next: StatusRecord = { ...record, seen: { ...record.seen, [incident.id]: t.seq }, active: { ...record.active }, days: { ...record.days } };
  const status = STATUS_OF[incident.severity];
  const resolved = incident.state === 'resolved';
  const listed = next.incidents.find((i) => i.id === incident.id);

  if (resolved || plainlySilenced(incident)) {
    const impact = next.active[incident.id];
    if (impact) {
      for (const id of impact.components) addDown(next, id, impact.status, impact.since, t.at);
      delete next.active[incident.id];
    }
  } else if (!next.active[incident.id]) {
    // From when it opened, whichever transition brings it here: a page that missed its opening catches up.
    next.active[incident.id] = { components: ids, status, since: incident.openedAt };
    for (const id of ids) markDay(next, id, dayOf(incident.openedAt), { worst: status, downMinutes: 0 });
  }

  // Incidents of their own are listed; one told with another, or caused by one, is that one's news.
  const own = !incident.causedBy && !incident.groupedWith;
  if (own && !plainlySilenced(incident)) {
    const page = listed ?? newPageIncident(incident, ids, components, t.at);
    const told = tell(page, incident, t, components);
    next.incidents = [told, ...next.incidents.filter((i) => i.id !== incident.id)];
  }
  next.incidents = pruned(next.incidents, t.at);
  next.days = trimmedDays(next.days, t.at);
  return next;
}

function newPageIncident(incident: Incident, ids: string[], components: readonly Component[], at: string): PageIncident {
  const names = ids.map((id) => components.find((c) => c.id === id)?.name ?? id).join(', ');
  return {
    id: incident.id,
    name: `${STATUS_WORDS[STATUS_OF[incident.severity]]}: ${names}`,
    status: 'investigating',
    impact: IMPACT_OF[incident.severity],
    components: ids,
    createdAt: at,
    updatedAt: at,
    updates: [],
  };
}

/** The incident's page entry after this transition: its status, and an update in words for readers where one is due. */
function tell(page: PageIncident, incident: Incident, t: Transition, components: readonly Component[]): PageIncident {
  const names = page.components.map((id) => components.find((c) => c.id === id)?.name ?? id).join(', ');
  const update = (status: PageIncident['status'], body: string): PageIncident => ({
    ...page,
    status,
    updatedAt: t.at,
    ...(status === 'resolved' ? { resolvedAt: t.at } : {}),
    updates: [{ at: t.at, status, body }, ...page.updates],
  });
  switch (t.kind) {
    case 'opened':
      return page.updates.length ? page : update('investigating', `We are investigating a problem affecting ${names}.`);
    case 'acknowledged':
      return update('identified', 'An engineer is working on it.');
    case 'acted':
      return update('monitoring', 'A fix has been applied; we are watching the results.');
    case 'updated':
      return t.update?.public && t.reason ? update(page.status, t.reason) : page;
    case 'resolved':
      return update('resolved', `This incident has been resolved; ${names} ${page.components.length > 1 ? 'are' : 'is'} operating normally.`);
    default:
      return page;
  }
}

function pruned(incidents: PageIncident[], at: string): PageIncident[] {
  const cutoff = Date.parse(at) - RESOLVED_KEPT_DAYS * DAY_MS;
  return incidents.filter((i) => !i.resolvedAt || Date.parse(i.resolvedAt) >= cutoff).slice(0, INCIDENTS_KEPT);
}

/** `2026-12-04`: days are UTC days. */
export const dayOf = (iso: string) => iso.slice(0, 10);

function markDay(record: StatusRecord, componentId: string, day: string, change: StatusDay): void {
  const days = { ...record.days[componentId] };
  const was = days[day];
  days[day] = { worst: was ? worse(was.worst, change.worst) : change.worst, downMinutes: (was?.downMinutes ?? 0) + change.downMinutes };
  record.days[componentId] = days;
}

/** An impact's down time, split over the UTC days it spans, once it is over. */
export function addDown(record: StatusRecord, componentId: string, status: ComponentStatus, since: string, until: string): void {
  const weight = DOWN_WEIGHT[status] ?? 0;
  let from = Date.parse(since);
  const to = Date.parse(until);
  while (from < to) {
    const dayEnd = (Math.floor(from / DAY_MS) + 1) * DAY_MS;
    const end = Math.min(dayEnd, to);
    markDay(record, componentId, dayOf(new Date(from).toISOString()), { worst: status, downMinutes: ((end - from) / 60_000) * weight });
    from = end;
  }
}

function trimmedDays(days: StatusRecord['days'], at: string): StatusRecord['days'] {
  const oldest = dayOf(new Date(Date.parse(at) - (HISTORY_DAYS - 1) * DAY_MS).toISOString());
  return Object.fromEntries(Object.entries(days).map(([id, byDay]) => [id, Object.fromEntries(Object.entries(byDay).filter(([day]) => day >= oldest))]));
}
