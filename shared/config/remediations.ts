import * as z from '../zod.js';
import { allRemediations } from '../remediations/index.js';
import type { Remediation } from '../remediations/remediation.js';
import { nameSchema } from './names.js';

/** Guardrails every remediation has; defaults are the cautious ones. */
export const guardShape = {
  /** Names the remediation in runbooks' `act` steps and in manual payloads. */
  id: nameSchema,
  /** What it is for, in a sentence. */
  description: z.optional(z.string()),
  /** observe: record what would be done, do nothing (default). propose: ask for approval through SNS. auto: act. */
  mode: z._default(z.enum(['observe', 'propose', 'auto']), 'observe'),
  /** Required for a high-risk remediation (rollback, failover) in auto mode: say why it is safe. */
  allowAuto: z.optional(
    z.strictObject({
      /** Why acting without a human is safe here: on the record of every action it takes. */
      reason: z.string().check(z.minLength(10, 'say why acting without a human is safe here')),
    }),
  ),
  /** No second action of this remediation on the target within this time. Default: 15. */
  cooldownMinutes: z._default(z.number().check(z.minimum(0)), 15),
  /** At most `count` actions on the target in `windowMinutes`, then escalate. Default: 3 per 60. */
  maxActions: z.prefault(
    z.strictObject({
      /** Actions allowed in the window. Default: 3. */
      count: z._default(z.int().check(z.minimum(1)), 3),
      /** The window, in minutes. Default: 60. */
      windowMinutes: z._default(z.number().check(z.positive()), 60),
    }),
    {},
  ),
  /** After this many actions in a row that fail verification, stop acting until someone resets it. Default: 3. */
  circuitBreaker: z.prefault(
    z.strictObject({
      /** Actions in a row that failed verification before it opens. Default: 3. */
      failures: z._default(z.int().check(z.minimum(1)), 3),
    }),
    {},
  ),
  /** A proposal's approval must arrive within this time. Default: 30. */
  proposalMinutes: z._default(z.number().check(z.positive()), 30),
  /** How long the per-target lock lasts if the function dies holding it. Default: 300. */
  leaseSeconds: z._default(z.int().check(z.minimum(10), z.maximum(900)), 300),
};

function remediationSchemaOf(r: Remediation) {
  return z.strictObject({ ...guardShape, kind: z.literal(r.kind), ...r.settings.shape }).check(
    z.superRefine((c, ctx) => {
      if (r.risk === 'high' && c.mode === 'auto' && !c.allowAuto) {
        ctx.addIssue({ code: 'custom', path: ['mode'], message: `${r.kind} is high risk: "auto" needs allowAuto: { reason: '…' } (or use "propose")` });
      }
    }),
  );
}

export const remediationSchema = z.discriminatedUnion(
  'kind',
  allRemediations.map((r) => remediationSchemaOf(r as unknown as Remediation)) as unknown as [ReturnType<typeof remediationSchemaOf>],
);

type Guard = z.output<z.ZodMiniObject<typeof guardShape>>;
type Remediations = (typeof allRemediations)[number];

/** A validated remediation: its guardrails plus its kind's settings. */
export type RemediationConfig = Remediations extends infer R ? (R extends Remediation<infer S, infer K> ? Guard & { kind: K } & z.output<S> : never) : never;

/** A remediation as written in vigil.config.ts. */
export type RemediationInput = Remediations extends infer R
  ? R extends Remediation<infer S, infer K>
    ? z.input<z.ZodMiniObject<typeof guardShape>> & { kind: K } & z.input<S>
    : never
  : never;
