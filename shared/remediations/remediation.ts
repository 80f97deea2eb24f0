import type * as z from '../zod.js';
import type { Uses } from '../uses.js';
import type { Arns, Grant } from '../permissions.js';
import type { AwsPorts } from '../aws/ports.js';
import { VigilError } from '../errors.js';

export type Risk = 'low' | 'high';

/** What a remediation would do, computed from the target's current state before anything is done. */
export interface Plan {
  /** One line a human can approve or reject, e.g. "set desiredCount of prod/orders-api from 3 to 4". */
  summary: string;
  /** The exact change, recorded on the timeline and re-checked before acting. */
  change: Record<string, unknown>;
}

/** What reading the target shows about a planned change whose call may or may not have been applied. */
export interface Reconciled {
  applied: 'yes' | 'no' | 'unknown';
  detail: string;
}

export interface RemediationContext {
  aws: AwsPorts;
  signal?: AbortSignal;
}

/** A remediation refused to plan or act, with why; never a guess. */
export class RemediationRefusedError extends VigilError {
  override name = 'RemediationRefusedError';
}

/**
 * A change of several calls stopped after one of them took effect. Not a refusal: the target is read
 * back (`reconcile`), so the action is never recorded as if nothing had happened.
 */
export class PartlyAppliedError extends VigilError {
  override name = 'PartlyAppliedError';
}

/** One kind of fix. `plan` only reads; `execute` does exactly what the plan says, or refuses if the target moved. */
export interface Remediation<S extends z.ZodMiniObject = z.ZodMiniObject, K extends string = string> {
  readonly kind: K;
  readonly description: string;
  readonly risk: Risk;
  readonly settings: S;
  /** The SDK clients and driver its `plan` and `execute` call, for the bundler. Default: none. */
  readonly uses?: Uses;
  /** The IAM statements `plan`, `execute` and `reconcile` need for this target (a secret it names is granted apart). Default: none. */
  permissions?(settings: z.output<S>, arns: Arns): Grant[];
  /** The one typed target it acts on, e.g. `ecs:prod/orders-api`: the key of its lock, cooldown and circuit. */
  targetKey(settings: z.output<S>): string;
  plan(settings: z.output<S>, ctx: RemediationContext): Promise<Plan>;
  execute(settings: z.output<S>, plan: Plan, ctx: RemediationContext): Promise<string>;
  /**
   * Only reads: whether `plan` took effect. Asked after an answer that may have been lost (a timeout,
   * a 5xx, a reset), and when a retried attempt finds the action it had claimed, so that the call is
   * never made blindly a second time.
   */
  reconcile(settings: z.output<S>, plan: Plan, ctx: RemediationContext): Promise<Reconciled>;
}

export function defineRemediation<S extends z.ZodMiniObject, const K extends string>(r: Remediation<S, K>): Remediation<S, K> {
  return r;
}
