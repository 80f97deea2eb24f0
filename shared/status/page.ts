import { nextWindow, silenceInTime } from '../config/silence-windows.js';
import type { VigilConfig } from '../config/schema.js';
import type { ComponentStatus, PageIncident, StatusDay, StatusRecord } from '../state/status.js';
import { maintenanceComponents, type Component } from './components.js';
import { addDown, dayOf, HISTORY_DAYS, worse } from './record.js';

const DAY_MS = 86_400_000;

export interface PageComponent {
  id: string;
  name: string;
  description?: string;
  status: ComponentStatus;
  /** Oldest first, one per UTC day, today last. */
  history: ({ date: string } & StatusDay)[];
  uptimePercent: number;
}

export interface PageMaintenance {
  id: string;
  name: string;
  status: 'in_progress' | 'scheduled';
  from: string;
  until?: string;
  components: string[];
}

/** The status page, as every rendering of it (HTML, summary.json, Atom) reads it. */
export interface StatusPage {
  title: string;
  url?: string;
  updatedAt: string;
  indicator: 'none' | 'minor' | 'major' | 'critical';
  description: string;
  components: PageComponent[];
  /** Active first, newest first; then those resolved lately. */
  incidents: PageIncident[];
  maintenances: PageMaintenance[];
}

/** The page at `now`, from its record and the config alone. */
export function buildPage(config: VigilConfig, components: readonly Component[], record: StatusRecord, now: Date): StatusPage {
  const maintenances = maintenancesOf(config, components, now);
  const ongoing = new Set(maintenances.filter((m) => m.status === 'in_progress').flatMap((m) => m.components));
  // Ongoing impacts count towards today's bars and the uptime, as if they ended now.
  const withOngoing: StatusRecord = { ...record, days: { ...record.days } };
  for (const impact of Object.values(record.active))
    for (const id of impact.components) addDown(withOngoing, id, impact.status, impact.since, now.toISOString());

  const pageComponents = components.map((c): PageComponent => {
    const hit = Object.values(record.active).filter((impact) => impact.components.includes(c.id));
    const fromIncidents = hit.reduce<ComponentStatus>((s, impact) => worse(s, impact.status), 'operational');
    const status = fromIncidents === 'operational' && ongoing.has(c.id) ? 'under_maintenance' : fromIncidents;
    const history = lastDays(now).map((date) => ({ date, ...(withOngoing.days[c.id]?.[date] ?? { worst: 'operational' as const, downMinutes: 0 }) }));
    const down = history.reduce((sum, d) => sum + d.downMinutes, 0);
    const uptimePercent = Math.max(0, Math.floor((1 - down / (HISTORY_DAYS * 1440)) * 10_000) / 100);
    return { id: c.id, name: c.name, ...(c.description ? { description: c.description } : {}), status, history, uptimePercent };
  });

  const active = record.incidents.filter((i) => i.status !== 'resolved');
  const resolved = record.incidents.filter((i) => i.status === 'resolved');
  const { indicator, description } = overall(pageComponents.map((c) => c.status));
  return {
    title: config.statusPage.title,
    ...(config.statusPage.url ? { url: config.statusPage.url } : {}),
    updatedAt: now.toISOString(),
    indicator,
    description,
    components: pageComponents,
    incidents: [...active, ...resolved],
    maintenances,
  };
}

/** The page's overall status, in the words status-page readers know. */
export function overall(statuses: readonly ComponentStatus[]): Pick<StatusPage, 'indicator' | 'description'> {
  if (statuses.length && statuses.every((s) => s === 'major_outage')) return { indicator: 'critical', description: 'Major Service Outage' };
  if (statuses.includes('major_outage')) return { indicator: 'major', description: 'Partial System Outage' };
  if (statuses.includes('partial_outage') || statuses.includes('degraded_performance')) return { indicator: 'minor', description: 'Minor Service Outage' };
  if (statuses.includes('under_maintenance')) return { indicator: 'none', description: 'Service Under Maintenance' };
  return { indicator: 'none', description: 'All Systems Operational' };
}

function lastDays(now: Date): string[] {
  return Array.from({ length: HISTORY_DAYS }, (_, i) => dayOf(new Date(now.getTime() - (HISTORY_DAYS - 1 - i) * DAY_MS).toISOString()));
}

/** The silences that say they are maintenance: going on now, or starting within a week, on the components of their checks. */
function maintenancesOf(config: VigilConfig, components: readonly Component[], now: Date): PageMaintenance[] {
  const planned = config.silences.filter((s) => s.maintenance);
  if (!planned.length) return [];
  const covered = maintenanceComponents(config, components);
  return planned.flatMap((s): PageMaintenance[] => {
    const affected = covered[s.id] ?? [];
    if (!affected.length) return [];
    if (silenceInTime(s, now))
      return [
        { id: s.id, name: s.reason, status: 'in_progress', from: s.from ?? now.toISOString(), ...(s.until ? { until: s.until } : {}), components: affected },
      ];
    const next = nextWindow(s, now);
    return next
      ? [{ id: s.id, name: s.reason, status: 'scheduled', from: next.from.toISOString(), ...(next.until ? { until: next.until } : {}), components: affected }]
      : [];
  });
}
