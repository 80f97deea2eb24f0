import { z } from 'zod';
import { remediationRegistry, allRemediations } from '../remediations/index.js';
import type { Remediation } from '../remediations/remediation.js';
import { nameSchema, SEVERITIES } from './names.js';

/** Guardrails every remediation has; defaults are the cautious ones. */
const guardShape = {
  id: nameSchema,
  description: z.string().optional(),
  /** observe: record what would be done, do nothing (default). propose: ask for approval through SNS. auto: act. */
  mode: z.enum(['observe', 'propose', 'auto']).default('observe'),
  /** Required for a high-risk remediation (rollback, failover) in auto mode: say why it is safe. */
  allowAuto: z.strictObject({ reason: z.string().min(10, 'say why acting without a human is safe here') }).optional(),
  /** No second action of this remediation on the target within this time. Default: 15. */
  cooldownMinutes: z.number().min(0).default(15),
  /** At most `count` actions on the target in `windowMinutes`, then escalate. Default: 3 per 60. */
  maxActions: z.strictObject({ count: z.int().min(1).default(3), windowMinutes: z.number().positive().default(60) }).prefault({}),
  /** After this many actions in a row that fail verification, stop acting until someone resets it. Default: 3. */
  circuitBreaker: z.strictObject({ failures: z.int().min(1).default(3) }).prefault({}),
  /** A proposal's approval must arrive within this time. Default: 30. */
  proposalMinutes: z.number().positive().default(30),
  /** How long the per-target lock lasts if the function dies holding it. Default: 300. */
  leaseSeconds: z.int().min(10).max(900).default(300),
};

function remediationSchemaOf(r: Remediation) {
  return z.strictObject({ ...guardShape, kind: z.literal(r.kind), ...r.settings.shape }).superRefine((c, ctx) => {
    if (r.risk === 'high' && c.mode === 'auto' && !c.allowAuto) {
      ctx.addIssue({ code: 'custom', path: ['mode'], message: `${r.kind} is high risk: "auto" needs allowAuto: { reason: '…' } (or use "propose")` });
    }
  });
}

export const remediationSchema = z.discriminatedUnion(
  'kind',
  allRemediations.map((r) => remediationSchemaOf(r as unknown as Remediation)) as unknown as [ReturnType<typeof remediationSchemaOf>],
);

type Guard = z.output<z.ZodObject<typeof guardShape>>;
type Remediations = (typeof allRemediations)[number];

/** A validated remediation: its guardrails plus its kind's settings. */
export type RemediationConfig = Remediations extends infer R ? (R extends Remediation<infer S, infer K> ? Guard & { kind: K } & z.output<S> : never) : never;

/** A remediation as written in vigil.config.ts. */
export type RemediationInput = Remediations extends infer R ? (R extends Remediation<infer S, infer K> ? z.input<z.ZodObject<typeof guardShape>> & { kind: K } & z.input<S> : never) : never;

export function riskOf(r: { kind: string }): 'low' | 'high' {
  return remediationRegistry.get(r.kind)?.risk ?? 'high';
}

const step = z.union([
  /** Run these checks and attach their findings as evidence. */
  z.strictObject({ diagnose: z.array(z.string()).min(1) }),
  /** Run this remediation, within its guardrails. */
  z.strictObject({ act: z.string() }),
  /** Wait, then run the check until it passes or the attempts run out. */
  z.strictObject({
    verify: z.strictObject({
      check: z.string(),
      /** Default: 60. */
      settleSeconds: z.number().min(0).max(600).default(60),
      /** Default: 3. */
      attempts: z.int().min(1).max(10).default(3),
      /** Between attempts. Default: 30. */
      intervalSeconds: z.number().min(0).max(300).default(30),
    }),
  }),
  /** Hand over to a human if not fixed by now, saying this. */
  z.strictObject({ escalate: z.string().min(1) }),
]);

export const runbookSchema = z.strictObject({
  id: nameSchema,
  description: z.string().optional(),
  /** Which alarms it answers: every criterion given must hold. */
  match: z
    .strictObject({
      alarmNames: z.array(z.string()).min(1).optional(),
      alarmPrefix: z.string().min(1).optional(),
      /** Matched against the event's alarmTags (turn on alarm tag propagation); without them, nothing is done. */
      tags: z.record(z.string(), z.string()).optional(),
    })
    .refine((m) => m.alarmNames || m.alarmPrefix || m.tags, { message: 'give alarmNames, alarmPrefix or tags' }),
  /** Default: P2. */
  severity: z.enum(SEVERITIES).default('P2'),
  /** Resolve the incident when the alarm returns to OK. Default: true. */
  resolveOnOk: z.boolean().default(true),
  steps: z.array(step).min(1),
});

export type RunbookConfig = z.output<typeof runbookSchema>;
export type RunbookStep = RunbookConfig['steps'][number];
