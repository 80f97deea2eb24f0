/** One action on a target, kept for cooldowns, rate limits and "already done for this event". */
export interface ActionRecord {
  remediation: string;
  /** The alarm event (or manual request) it answered. */
  eventId: string;
  at: string;
  /** Unset while it runs; a Lambda that died mid-action leaves it unset for the timeline to show. */
  outcome?: 'done' | 'failed' | 'verified' | 'not-verified';
}

/**
 * One item per target: the lock, recent actions and the circuit breaker together, so a single
 * conditional write takes the lock and checks cooldown, rate and circuit at once.
 */
export interface GuardState {
  targetKey: string;
  version: number;
  lease?: { holder: string; until: string; remediation: string };
  actions: ActionRecord[];
  /** Actions in a row that did not pass verification. */
  failedVerifications: number;
  circuitOpenedAt?: string;
}

/** The one switch that stops every automatic action; actions a human approves or runs by hand still go. */
export interface KillSwitch {
  automationEnabled: boolean;
  by?: string;
  at?: string;
  reason?: string;
}
