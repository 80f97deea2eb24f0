/** An automatic action counted against the brake's budget: one per event and target, however often its attempt is retried. */
export interface BudgetedAction {
  at: string;
  eventId: string;
  target: string;
}

/** What the brake held back: what Vigil would have done. */
export interface HeldAction {
  at: string;
  eventId: string;
  remediation: string;
  target: string;
  summary: string;
  incidentId?: string;
}

/** The brake over every automatic action: one item, written with the version guard. */
export interface Brake {
  version: number;
  /** Automatic actions of the last hour, across all targets. */
  actions: BudgetedAction[];
  /** Since when every automatic action is proposed instead, and why. */
  engaged?: { at: string; reason: string };
  /** What it held back while engaged (the latest few). */
  held?: HeldAction[];
  /** Since when fewer incidents are active than it engages on: lifted once that lasts. */
  calmSince?: string;
  /** The last time it was lifted, by Vigil or an operator: incidents opened before it no longer count. */
  lifted?: { at: string; by: string; reason: string; held: HeldAction[] };
}
