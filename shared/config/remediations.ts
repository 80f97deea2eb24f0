import * as z from '../zod.js';
import { remediationRegistry, allRemediations } from '../remediations/index.js';
import type { Remediation } from '../remediations/remediation.js';
import { nameSchema, SEVERITIES } from './names.js';

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

export function riskOf(r: { kind: string }): 'low' | 'high' {
  return remediationRegistry.get(r.kind)?.risk ?? 'high';
}

const step = z.union([
  z.strictObject({
    /** Run these checks and attach their findings as evidence. */
    diagnose: z.array(z.string()).check(z.minLength(1)),
  }),
  z.strictObject({
    /** Run this remediation, within its guardrails. */
    act: z.string(),
  }),
  z.strictObject({
    /** Wait, then run the check until it passes or the attempts run out. */
    verify: z.strictObject({
      /** Default, for a runbook a check starts: that check. */
      check: z.optional(z.string()),
      /** Seconds to wait before the first attempt. Default: 60. */
      settleSeconds: z._default(z.number().check(z.minimum(0), z.maximum(600)), 60),
      /** Runs of the check before it counts as not fixed. Default: 3. */
      attempts: z._default(z.int().check(z.minimum(1), z.maximum(10)), 3),
      /** Between attempts. Default: 30. */
      intervalSeconds: z._default(z.number().check(z.minimum(0), z.maximum(300)), 30),
    }),
  }),
  z.strictObject({
    /** Hand over to a human if not fixed by now, saying this. */
    escalate: z.string().check(z.minLength(1)),
  }),
]);

/**
 * A check's incident that starts the runbook: which checks (by id, tag or kind; every criterion given
 * must hold), and on which of its transitions. Started from the state table's stream, once per transition.
 */
const checkTrigger = z
  .strictObject({
    ids: z.optional(z.array(z.string()).check(z.minLength(1))),
    tags: z.optional(z.record(z.string(), z.string())),
    kinds: z.optional(z.array(z.string()).check(z.minLength(1))),
    /** Default: opened. `repeated` is each reminder that it is still open. */
    on: z._default(z.array(z.enum(['opened', 'repeated', 'escalated'])).check(z.minLength(1)), ['opened']),
    /** Also (or instead): once the check has failed this many rounds in a row, its incident open. */
    failingRounds: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
  })
  .check(z.refine((t) => t.ids || t.tags || t.kinds, { message: 'give ids, tags or kinds: which checks start this runbook' }));

export type CheckTriggerConfig = z.output<typeof checkTrigger>;

export const runbookSchema = z.strictObject({
  /** Names the runbook in runs, messages and the timeline. */
  id: nameSchema,
  /** What it is for, in a sentence. */
  description: z.optional(z.string()),
  /** Which alarms it answers (every alarm criterion given must hold), and which of Vigil's own checks start it. */
  match: z
    .strictObject({
      /** Alarms of the config's `alarms` section, by id. */
      alarms: z.optional(z.array(z.string()).check(z.minLength(1))),
      alarmNames: z.optional(z.array(z.string()).check(z.minLength(1))),
      alarmPrefix: z.optional(z.string().check(z.minLength(1))),
      /** Matched against the event's alarmTags (turn on alarm tag propagation); without them, nothing is done. */
      tags: z.optional(z.record(z.string(), z.string())),
      checks: z.optional(checkTrigger),
    })
    .check(
      z.refine((m) => m.alarms || m.alarmNames || m.alarmPrefix || m.tags || m.checks, {
        message: "give alarms (by id), alarmNames, alarmPrefix or tags (alarms), or checks (Vigil's own checks)",
      }),
    ),
  /** Default: P2. */
  severity: z._default(z.enum(SEVERITIES), 'P2'),
  /** Resolve the incident when the alarm returns to OK. Default: true. */
  resolveOnOk: z._default(z.boolean(), true),
  steps: z.array(step).check(z.minLength(1)),
});

export type RunbookConfig = z.output<typeof runbookSchema>;
export type RunbookStep = RunbookConfig['steps'][number];
