import type { Incident } from '../state/check-state.js';

/** One incident in a line or two: what the console's result pane shows. */
export interface IncidentBrief {
  id: string;
  state: Incident['state'];
  severity: Incident['severity'];
  summary: string;
  openedAt: string;
  acknowledgedBy?: string;
  resolvedBy?: string;
  silenced?: string;
}

export function brief(i: Incident): IncidentBrief {
  return {
    id: i.id,
    state: i.state,
    severity: i.severity,
    summary: i.summary,
    openedAt: i.openedAt,
    ...(i.acknowledgedBy ? { acknowledgedBy: i.acknowledgedBy } : {}),
    ...(i.resolvedBy ? { resolvedBy: i.resolvedBy } : {}),
    ...(i.silenced ? { silenced: i.silencedUntil ? `until ${i.silencedUntil}` : (i.silenceReason ?? 'yes') } : {}),
  };
}
