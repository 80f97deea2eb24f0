import type * as z from '../zod.js';
import type { Uses } from '../uses.js';
import type { Arns, Grant } from '../permissions.js';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';

export type Risk = 'low' | 'high';

/** What a remediation would do, computed from the target's current state before anything is done. */
export interface Plan<C extends object = Record<string, unknown>> {
  /** One line a human can approve or reject, e.g. "set desiredCount of prod/orders-api from 3 to 4". */
  summary: string;
  /** The exact change, recorded with the action's claim and re-checked before acting: its shape is the remediation's own. */
  change: C;
}

/** What reading the target shows about a planned change whose call may or may not have been applied. */
export interface Reconciled {
  applied: 'yes' | 'no' | 'unknown';
  detail: string;
}

/** An active incident as a guard reads it: whose check, on what target. */
export interface ActiveIncident {
  id: string;
  checkId: string;
  target: string;
  summary: string;
}

/** Vigil's active incidents, for a remediation that never acts during one of its target's. */
export interface IncidentsView {
  /** Open and acknowledged incidents but the one this run answers; `complete: false` when there were more than were read. */
  others(signal?: AbortSignal): Promise<{ incidents: ActiveIncident[]; complete: boolean }>;
}

/** How a change that goes on after its call (a restore) stands: still going, or over with its result. */
export type Progress = { done: false; detail: string; checkAgainMinutes: number } | { done: true; ok: boolean; result: string };

/** One configured check, run against another endpoint of the same kind (a scratch copy of its database). */
export type CheckAt = (checkId: string, endpoint: { host: string; port: number }, signal?: AbortSignal) => Promise<{ status: string; summary: string }>;

/** A check a remediation's settings name: by id at `path`, of one of `kinds` when given. */
export interface NamedCheck {
  path: (string | number)[];
  id: string;
  kinds?: readonly string[];
  /** What else the setting takes, said with a missing id. */
  hint?: string;
  /** The remediation runs it (not only reads its incidents): the functions that act carry it, its driver and its grants. */
  runs?: boolean;
}

export interface RemediationContext {
  aws: AwsPorts;
  /** Now, for what a plan stamps (a snapshot's name, when it was planned): the same clock as every decision. */
  clock: Clock;
  /** Read only by remediations whose guard depends on incidents; where the caller has no store, they refuse. */
  incidents?: IncidentsView;
  /** Given to `follow` by a runbook: where the caller has no checks, a remediation that needs them refuses. */
  checkAt?: CheckAt;
  signal?: AbortSignal;
}

/** One kind of fix. `plan` only reads; `execute` does exactly what the plan says, or refuses if the target moved. */
export interface Remediation<S extends z.ZodMiniObject = z.ZodMiniObject, K extends string = string, C extends object = Record<string, unknown>> {
  readonly kind: K;
  readonly description: string;
  readonly risk: Risk;
  readonly settings: S;
  /** Its settings as a config writes them, without id, kind and guardrails: the configuration reference shows it, and a test parses it. */
  readonly example: z.input<S>;
  /** What the user it connects as must be granted, when it connects to a server itself (AWS permissions come from `permissions`). */
  readonly privileges?: string;
  /** The checks its settings name, and where: the config refuses an id no check has, or a check of a kind it cannot use. */
  namedChecks?(settings: z.output<S>): NamedCheck[];
  /** The SDK clients and driver its `plan`, `execute` and `reconcile` call (`{}`: none): what the bundler ships and the permissions test holds it to. */
  readonly uses: Uses;
  /** The IAM statements `plan`, `execute` and `reconcile` need for this target (a secret it names is granted apart). Default: none. */
  permissions?(settings: z.output<S>, arns: Arns): Grant[];
  /** The one typed target it acts on, e.g. `ecs:prod/orders-api`: the key of its lock, cooldown and circuit. */
  targetKey(settings: z.output<S>): string;
  plan(settings: z.output<S>, ctx: RemediationContext): Promise<Plan<C>>;
  execute(settings: z.output<S>, plan: Plan<C>, ctx: RemediationContext): Promise<string>;
  /**
   * Only reads: whether `plan` took effect. Asked after an answer that may have been lost (a timeout,
   * a 5xx, a reset), and when a retried attempt finds the action it had claimed, so that the call is
   * never made blindly a second time.
   */
  reconcile(settings: z.output<S>, plan: Plan<C>, ctx: RemediationContext): Promise<Reconciled>;
  /**
   * For a change that goes on after `execute` returns (a restore that takes an hour): how it stands, and
   * its end (a test, a clean-up) once it is ready. A runbook asks again after `checkAgainMinutes`, asleep
   * in between, until it is done; it may be asked twice about one state, so what it changes must be safe to repeat.
   */
  follow?(settings: z.output<S>, plan: Plan<C>, ctx: RemediationContext): Promise<Progress>;
}

export function defineRemediation<S extends z.ZodMiniObject, const K extends string, C extends object>(r: Remediation<S, K, C>): Remediation<S, K, C> {
  return r;
}
