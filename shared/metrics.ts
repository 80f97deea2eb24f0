/**
 * Vigil's own metrics. Dimensions are a fixed, small set (status, kind, outcome), never a check id:
 * a series per check would cost money per check and grow with the config.
 */
export interface Meter {
  count(name: MetricName, value: number, dimension?: { name: DimensionName; value: string }): void;
  /** A level, not a count, e.g. incidents open now. */
  gauge(name: MetricName, value: number): void;
}

export const METRICS_NAMESPACE = 'Vigil';

export type MetricName =
  | 'CheckOutcomes'
  | 'IncidentTransitions'
  | 'OpenIncidents'
  | 'Notifications'
  | 'NotificationsUnconfirmed'
  | 'HandoffEvents'
  | 'HandoffEventsUnconfirmed'
  | 'HandoffEventsFailed'
  | 'StatusPageFailed'
  | 'OpsItemsFailed'
  | 'RunbookVerdicts'
  | 'Remediations';
export type DimensionName = 'Status' | 'Kind' | 'Verdict' | 'Outcome';

export const silentMeter: Meter = { count() {}, gauge() {} };
