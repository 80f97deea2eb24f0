import type { Severity } from '../config/names.js';
import type { Incident, Transition } from '../state/check-state.js';
import type { Notification } from './message.js';

/** An OpsItem as Vigil opens one for an incident: what OpsCenter shows, and the keys it is found by again. */
export interface OpsItemDraft {
  incidentId: string;
  title: string;
  description: string;
  severity: '1' | '2' | '3' | '4';
  priority: number;
}

/** OpsCenter, as notify uses it: open one item per incident (deduplicated by OpsCenter), find it, move its status. */
export interface OpsItems {
  /** Creates the incident's OpsItem; a second call while it is open creates none (its deduplication string). */
  create(item: OpsItemDraft): Promise<void>;
  /** The incident's OpsItem still open or in progress, if any. */
  findOpen(incidentId: string): Promise<string | undefined>;
  setStatus(opsItemId: string, status: 'InProgress' | 'Resolved'): Promise<void>;
}

/** What the incident's OpsItem does on this transition: opened, taken up, or resolved; nothing otherwise. */
export type OpsItemStep = { kind: 'create'; item: OpsItemDraft } | { kind: 'status'; status: 'InProgress' | 'Resolved' } | undefined;

/**
 * Pure: the OpsItem step for a transition of an incident of the chosen severities. Only an incident paged on its
 * own has one: one told with another, or caused by one, is that one's; a silenced one is not the on-call's work.
 */
export function opsItemStep(incident: Incident, t: Transition, message: Notification, severities: readonly Severity[]): OpsItemStep {
  if (!severities.includes(incident.severity) || incident.causedBy || incident.groupedWith) return undefined;
  if (t.kind === 'opened' && !incident.silenced) {
    const priority = Number(incident.severity.slice(1));
    return {
      kind: 'create',
      item: {
        incidentId: incident.id,
        title: message.subject.slice(0, 1024),
        description: `${message.body}`.slice(0, 2048),
        severity: String(priority) as OpsItemDraft['severity'],
        priority,
      },
    };
  }
  if (t.kind === 'acknowledged') return { kind: 'status', status: 'InProgress' };
  if (t.kind === 'resolved') return { kind: 'status', status: 'Resolved' };
  return undefined;
}
