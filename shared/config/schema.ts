import { z } from 'zod';
import { allProbes } from '../probes/index.js';
import type { Probe } from '../probes/probe.js';
import { incidentsSchema } from './incidents.js';
import { nameSchema, SEVERITIES } from './names.js';
import { remediationSchema, runbookSchema, type RemediationConfig, type RemediationInput, type RunbookConfig } from './remediations.js';
import { networkSchema, placementSchema, type NetworkConfig } from './network.js';
import { scheduleSchema } from './schedule.js';
import { silenceSchema, type Silence } from './silences.js';

export { SEVERITIES, type Severity } from './names.js';

/** Fields every check has, whatever its kind. */
const commonShape = {
  /** Unique; names the check in findings, incidents, schedules and manual invocations. */
  id: nameSchema,
  description: z.string().optional(),
  /** EventBridge Scheduler expression. Default: rate(5 minutes). */
  schedule: scheduleSchema.default('rate(5 minutes)'),
  /** Checks of a group run together (one schedule, one invocation), e.g. "databases". */
  group: nameSchema.optional(),
  /** P1 (respond in 15 min) to P4 (respond in a day). Default: P3. */
  severity: z.enum(SEVERITIES).default('P3'),
  /** Free key/value labels, e.g. `{ service: 'orders', team: 'payments' }`. */
  tags: z.record(z.string(), z.string()).default({}),
  /** What the on-call engineer should do: notes or a link to the runbook page. */
  runbook: z.string().optional(),
  /** Per-check timeout. Default: `defaults.timeoutMs`. */
  timeoutMs: z.int().positive().max(600_000).optional(),
  /** `vpc` runs it in the function placed in `network`'s subnets, to reach private addresses. Default: public. */
  network: placementSchema,
  /** A disabled check is not scheduled and not run by group; it can still be run by id. Default: true. */
  enabled: z.boolean().default(true),
  /** Overrides of the incident policy for this check. Default: `incidents` and its severity's times. */
  incident: z
    .strictObject({
      failureThreshold: z.int().min(1).max(100).optional(),
      successThreshold: z.int().min(1).max(100).optional(),
      openOnWarn: z.boolean().optional(),
      maxRepeats: z.int().min(0).max(100).optional(),
      respondMinutes: z.number().positive().optional(),
      repeatMinutes: z.number().positive().optional(),
    })
    .optional(),
};

function checkSchemaOf(probe: Probe) {
  const schema = z.strictObject({ ...commonShape, kind: z.literal(probe.kind), ...probe.settings.shape });
  return probe.refine ? schema.superRefine((check, ctx) => probe.refine!(check, ctx)) : schema;
}

const checkSchema = z.discriminatedUnion(
  'kind',
  allProbes.map((p) => checkSchemaOf(p as unknown as Probe)) as unknown as [ReturnType<typeof checkSchemaOf>],
);

export const configSchema = z
  .strictObject({
    defaults: z
      .strictObject({
        /** How long one check may take. Default: 10000 ms. */
        timeoutMs: z.int().positive().max(600_000).default(10_000),
        /** Checks run at once within one invocation. Default: 16. */
        concurrency: z.int().min(1).max(256).default(16),
      })
      .prefault({}),
    checks: z.array(checkSchema).min(1, 'declare at least one check'),
    incidents: incidentsSchema,
    silences: z.array(silenceSchema).default([]),
    /** Guarded fixes, named by runbooks and by manual invocations. */
    remediations: z.array(remediationSchema).default([]),
    /** What to do when a CloudWatch alarm goes to ALARM. */
    runbooks: z.array(runbookSchema).default([]),
    /** The VPC for checks with `network: 'vpc'`. */
    network: networkSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const ids = new Set(config.checks.map((c) => c.id));
    config.silences.forEach((silence, i) => {
      for (const [j, id] of (silence.checks ?? []).entries()) {
        if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['silences', i, 'checks', j], message: `no check has id "${id}"` });
      }
    });
    const remediationIds = new Set(config.remediations.map((r) => r.id));
    config.runbooks.forEach((runbook, i) => {
      runbook.steps.forEach((step, j) => {
        const at = ['runbooks', i, 'steps', j];
        const unknownCheck = (id: string, path: PropertyKey[]) => !ids.has(id) && ctx.addIssue({ code: 'custom', path, message: `no check has id "${id}"` });
        if ('diagnose' in step) step.diagnose.forEach((id, k) => unknownCheck(id, [...at, 'diagnose', k]));
        if ('verify' in step) unknownCheck(step.verify.check, [...at, 'verify', 'check']);
        if ('act' in step && !remediationIds.has(step.act)) ctx.addIssue({ code: 'custom', path: [...at, 'act'], message: `no remediation has id "${step.act}"` });
      });
    });
    if (!config.network) {
      config.checks.forEach((check, i) => {
        if (check.network === 'vpc') ctx.addIssue({ code: 'custom', path: ['checks', i, 'network'], message: '"vpc" needs the top-level network: { vpcId, subnets } to run in' });
      });
    }
    const seen = new Map<string, number>();
    config.checks.forEach((check, i) => {
      const first = seen.get(check.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['checks', i, 'id'], message: `duplicate id "${check.id}" (also checks[${first}])` });
      } else seen.set(check.id, i);
    });
  });

type Common = z.output<z.ZodObject<typeof commonShape>>;
type CommonInput = z.input<z.ZodObject<typeof commonShape>>;
type Probes = (typeof allProbes)[number];

/** A validated check: the common fields plus its kind's settings, defaults filled in. */
export type CheckConfig = Probes extends infer P
  ? P extends Probe<infer S, infer K>
    ? Common & { kind: K } & z.output<S>
    : never
  : never;

/** A check as written in vigil.config.ts. */
export type CheckInput = Probes extends infer P
  ? P extends Probe<infer S, infer K>
    ? CommonInput & { kind: K } & z.input<S>
    : never
  : never;

export interface VigilConfig {
  defaults: { timeoutMs: number; concurrency: number };
  checks: CheckConfig[];
  incidents: z.output<typeof incidentsSchema>;
  silences: Silence[];
  remediations: RemediationConfig[];
  runbooks: RunbookConfig[];
  network?: NetworkConfig;
}

export interface VigilConfigInput {
  defaults?: { timeoutMs?: number; concurrency?: number };
  checks: CheckInput[];
  incidents?: z.input<typeof incidentsSchema>;
  silences?: z.input<typeof silenceSchema>[];
  remediations?: RemediationInput[];
  runbooks?: z.input<typeof runbookSchema>[];
  network?: z.input<typeof networkSchema>;
}
