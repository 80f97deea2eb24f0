import type { StatusPage } from './page.js';

const PAGE_ID = 'vigil';

/**
 * The page as `summary.json`, in the layout of Statuspage's public API (v2 `summary.json`), which status-page
 * readers and aggregators already understand: page, status, components, unresolved incidents, scheduled maintenances.
 */
export function summaryJson(page: StatusPage): unknown {
  const componentsOf = (ids: readonly string[]) => page.components.filter((c) => ids.includes(c.id)).map(component);
  const component = (c: StatusPage['components'][number]) => ({
    id: c.id,
    name: c.name,
    status: c.status,
    created_at: null,
    updated_at: page.updatedAt,
    position: page.components.indexOf(c) + 1,
    description: c.description ?? null,
    showcase: true,
    start_date: null,
    group_id: null,
    page_id: PAGE_ID,
    group: false,
    only_show_if_degraded: false,
  });
  return {
    page: { id: PAGE_ID, name: page.title, url: page.url ?? '', time_zone: 'Etc/UTC', updated_at: page.updatedAt },
    status: { indicator: page.indicator, description: page.description },
    components: page.components.map(component),
    incidents: page.incidents
      .filter((i) => i.status !== 'resolved')
      .map((i) => ({
        id: i.id,
        name: i.name,
        status: i.status,
        created_at: i.createdAt,
        updated_at: i.updatedAt,
        monitoring_at: i.updates.find((u) => u.status === 'monitoring')?.at ?? null,
        resolved_at: null,
        impact: i.impact,
        shortlink: page.url ?? '',
        started_at: i.createdAt,
        page_id: PAGE_ID,
        incident_updates: i.updates.map((u, n) => ({
          id: `${i.id}#${i.updates.length - n}`,
          status: u.status,
          body: u.body,
          incident_id: i.id,
          created_at: u.at,
          updated_at: u.at,
          display_at: u.at,
          affected_components: null,
          deliver_notifications: true,
        })),
        components: componentsOf(i.components),
      })),
    scheduled_maintenances: page.maintenances.map((m) => ({
      id: m.id,
      name: m.name,
      status: m.status,
      created_at: null,
      updated_at: page.updatedAt,
      scheduled_for: m.from,
      scheduled_until: m.until ?? null,
      impact: 'maintenance',
      shortlink: page.url ?? '',
      page_id: PAGE_ID,
      incident_updates: [],
      components: componentsOf(m.components),
    })),
  };
}
