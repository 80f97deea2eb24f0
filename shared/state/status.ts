/** What a reader sees a component as (Statuspage's component statuses). */
export type ComponentStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance';

/** One day of one component: the worst it was, and how long it was down (weighted: a partial outage counts 30%). */
export interface StatusDay {
  worst: ComponentStatus;
  downMinutes: number;
}

/** An incident as the status page tells it: in words for readers, with the updates marked public. */
export interface PageIncident {
  id: string;
  name: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
  impact: 'none' | 'minor' | 'major' | 'critical';
  components: string[];
  createdAt: string;
  updatedAt: string;
  resolvedAt?: string;
  updates: { at: string; status: PageIncident['status']; body: string }[];
}

/** An incident that affects components now, listed on the page or not (one told with another affects its component too). */
export interface Impact {
  components: string[];
  status: ComponentStatus;
  since: string;
}

/**
 * The status page's own record, one item: each component's daily roll-ups for 90 days, the incidents the page
 * lists, and what affects components now. Written by notify on each transition; the page is drawn from it
 * alone, never by scanning findings.
 */
export interface StatusRecord {
  version: number;
  days: Record<string, Record<string, StatusDay>>;
  incidents: PageIncident[];
  active: Record<string, Impact>;
  /** The last transition applied, per incident: one delivered again is applied once. */
  seen: Record<string, number>;
}
