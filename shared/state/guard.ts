import type { Plan } from '../remediations/remediation.js';

/** How an action came out, as far as Vigil knows. */
export type ActionOutcome =
  /** The call was made and the service took it. */
  | 'done'
  /** Nothing was applied: refused, or a failed call that reading the target showed had no effect. Holds no cooldown or budget. */
  | 'not-applied'
  /** A call whose answer was lost and whose effect could not be read back: treated as done, and a human told. */
  | 'unknown'
  | 'verified'
  | 'not-verified';

/** One action on a target, kept for cooldowns, rate limits and "already done for this event". */
export interface ActionRecord {
  remediation: string;
  /** The alarm event (or manual request) it answered. */
  eventId: string;
  at: string;
  /** What was to be done, so a retried attempt finds out whether it happened instead of planning anew. */
  plan?: Plan;
  /** Unset while the call is on its way; a Lambda that died mid-action leaves it unset, and its retry reads the target. */
  outcome?: ActionOutcome;
  /** What the service said, or what reading the target showed. */
  result?: string;
}

/** The guardrails that hand over to a human; each is escalated once while it holds. */
export type HoldingGuardrail = 'kill-switch' | 'circuit' | 'rate-limit';

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
  /** When each guardrail that holds the target back was last escalated: one message while it holds, not one per alarm. */
  escalated?: Partial<Record<HoldingGuardrail, string>>;
}

/** The one switch that stops every automatic action; actions a human approves or runs by hand still go. */
export interface KillSwitch {
  automationEnabled: boolean;
  by?: string;
  at?: string;
  reason?: string;
}
