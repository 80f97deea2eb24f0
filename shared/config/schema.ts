import * as z from '../zod.js';
import { windowSchema } from './window.js';
import { allProbes } from '../probes/index.js';
import type { Probe } from '../probes/probe.js';
import { brakeSchema, type BrakePolicy } from './brake.js';
import { deploymentProblems, deploymentSchema, type DeploymentConfig } from './deployments.js';
import { incidentsSchema } from './incidents.js';
import { nameSchema, SEVERITIES } from './names.js';
import { allRemediations } from '../remediations/index.js';
import type { Remediation } from '../remediations/remediation.js';
import { remediationSchema, type RemediationConfig, type RemediationInput } from './remediations.js';
import { runbookSchema, type RunbookConfig } from './runbooks.js';
import { networkSchema, placementSchema, type NetworkConfig } from './network.js';
import { MAX_CHECKS_PER_INVOCATION } from './limits.js';
import { scheduleSchema } from './schedule.js';
import { silenceSchema, type Silence } from './silences.js';
import { statusPageSchema, type StatusPageConfig } from './status-page.js';
import { alarmSchema, ruleAlarmIds, type AlarmConfig } from './alarms.js';
import { nameOfAlarm } from './alarm-name.js';
import { dependencyProblems } from './dependencies.js';
import { regionProblems } from './regions.js';

export { SEVERITIES, type Severity } from './names.js';

const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** Fields every check has, whatever its kind. */
export const commonShape = {
  /** Unique; names the check in findings, incidents, schedules and manual invocations. */
  id: nameSchema,
  /** What the check is for, in a sentence; shown with its findings. */
  description: z.optional(z.string()),
  /** EventBridge Scheduler expression. Default: rate(5 minutes). */
  schedule: z._default(scheduleSchema, 'rate(5 minutes)'),
  /** Checks of a group run together (one invocation of up to 50, never with checks outside it) and their incidents go out as one message, e.g. "databases". */
  group: z.optional(nameSchema),
  /** P1 (respond in 15 min) to P4 (respond in a day). Default: P3. */
  severity: z._default(z.enum(SEVERITIES), 'P3'),
  /** Free key/value labels, e.g. `{ service: 'orders', team: 'payments' }`. */
  tags: z._default(z.record(z.string(), z.string()), {}),
  /** What the on-call engineer should do: notes or a link to the runbook page. */
  runbook: z.optional(z.string()),
  /** Per-check timeout. Default: `defaults.timeoutMs`. */
  timeoutMs: z.optional(z.int().check(z.positive(), z.maximum(600_000))),
  /** `vpc` runs it in the function placed in `network`'s subnets, to reach private addresses. Default: public. */
  network: placementSchema,
  /**
   * The checks this one cannot pass without (its database, its load balancer). While one of them fails,
   * this one's failure is its consequence: recorded and listed in that check's messages, never paged on its own.
   */
  dependsOn: z.optional(z.array(nameSchema).check(z.minLength(1))),
  /** A disabled check is not scheduled and not run by group; it can still be run by id. Default: true. */
  enabled: z._default(z.boolean(), true),
  /** Overrides of the incident policy for this check. Default: `incidents` and its severity's times. */
  incident: z.optional(
    z.strictObject({
      failureThreshold: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
      successThreshold: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
      openOnWarn: z.optional(z.boolean()),
      maxRepeats: z.optional(z.int().check(z.minimum(0), z.maximum(100))),
      /** Minutes before an unacknowledged incident escalates. Default: its severity's. */
      respondMinutes: z.optional(z.number().check(z.positive())),
      /** Minutes between reminders while nobody acknowledges. Default: its severity's. */
      repeatMinutes: z.optional(z.number().check(z.positive())),
      /** Status updates to stakeholders this often while it is active. 0: none. */
      updateMinutes: z.optional(z.number().check(z.minimum(0))),
      /** Escalated once when not resolved this long after the on-call was told. 0: no deadline. */
      resolveMinutes: z.optional(z.number().check(z.minimum(0))),
    }),
  ),
  /** Judge it over its latest rounds too: a failing share, an average, a percentile, a growth (docs/checks.md). */
  window: z.optional(windowSchema),
  /** Also run it from these AWS regions, from a function Vigil deploys in each (http, tls, dns and tcp checks of public endpoints). */
  fromRegions: z.optional(z.array(z.string().check(z.regex(AWS_REGION, 'expected an AWS region, e.g. "us-east-1"'))).check(z.minLength(1), z.maxLength(8))),
  /** With `fromRegions`: how many regions, this one included, must see it fail for it to fail. Default: a majority. */
  quorum: z.optional(z.int().check(z.minimum(1))),
};

function checkSchemaOf(probe: Probe) {
  const schema = z.strictObject({ ...commonShape, kind: z.literal(probe.kind), ...probe.settings.shape }).check(
    z.superRefine((check, ctx) => {
      for (const { path, message } of regionProblems(check, probe)) ctx.addIssue({ code: 'custom', path, message });
    }),
  );
  return probe.refine ? schema.check(z.superRefine((check, ctx) => probe.refine!(check, ctx))) : schema;
}

const checkSchema = z.discriminatedUnion('kind', allProbes.map((p) => checkSchemaOf(p as unknown as Probe)) as unknown as [ReturnType<typeof checkSchemaOf>]);

export const configSchema = z
  .strictObject({
    defaults: z.prefault(
      z.strictObject({
        /** How long one check may take. Default: 10000 ms. */
        timeoutMs: z._default(z.int().check(z.positive(), z.maximum(600_000)), 10_000),
        /**
         * Checks run at once within one invocation. Default: 50, a whole invocation's batch at once: Lambda
         * bills the invocation's wall time, and checks mostly wait on the network (bench/results.md).
         */
        concurrency: z._default(z.int().check(z.minimum(1), z.maximum(256)), MAX_CHECKS_PER_INVOCATION),
      }),
      {},
    ),
    checks: z.array(checkSchema).check(z.minLength(1, 'declare at least one check')),
    incidents: incidentsSchema,
    /** The brake over every automatic action in a mass failure. */
    brake: brakeSchema,
    silences: z._default(z.array(silenceSchema), []),
    /** Guarded fixes, named by runbooks and by manual invocations. */
    remediations: z._default(z.array(remediationSchema), []),
    /** What to do when a CloudWatch alarm goes to ALARM, or one of these checks' incidents calls for it. */
    runbooks: z._default(z.array(runbookSchema), []),
    /** CloudWatch alarms the stack creates, which runbooks answer by id. */
    alarms: z._default(z.array(alarmSchema), []),
    /** ECS services whose rollouts hold the checks tied to them. */
    deployments: z._default(z.array(deploymentSchema), []),
    /** The status page stakeholders read. */
    statusPage: z.prefault(statusPageSchema, {}),
    /** The VPC for checks with `network: 'vpc'`. */
    network: z.optional(networkSchema),
  })
  .check(
    z.superRefine((config, ctx) => {
      const ids = new Set(config.checks.map((c) => c.id));
      for (const { path, message } of dependencyProblems(config.checks)) ctx.addIssue({ code: 'custom', path, message });
      for (const { path, message } of deploymentProblems(config)) ctx.addIssue({ code: 'custom', path, message });
      config.silences.forEach((silence, i) => {
        for (const [j, id] of (silence.checks ?? []).entries()) {
          if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['silences', i, 'checks', j], message: `no check has id "${id}"` });
        }
      });
      const kindOf = new Map(config.checks.map((c) => [c.id, c.kind as string]));
      config.remediations.forEach((remediation, i) => {
        // Checks a remediation's settings name (whose incidents hold it, whose queries test a restore): a misspelt one would do nothing.
        const kind = allRemediations.find((r) => r.kind === remediation.kind) as Remediation | undefined;
        for (const { path, id, kinds, hint } of kind?.namedChecks?.(remediation as never) ?? []) {
          const found = kindOf.get(id);
          if (!found) ctx.addIssue({ code: 'custom', path: ['remediations', i, ...path], message: `no check has id "${id}"${hint ? `; ${hint}` : ''}` });
          else if (kinds && !kinds.includes(found))
            ctx.addIssue({
              code: 'custom',
              path: ['remediations', i, ...path],
              message: `check "${id}" is ${found}; name a check of kind ${kinds.join(' or ')}`,
            });
        }
      });
      const remediationIds = new Set(config.remediations.map((r) => r.id));
      const alarmIds = new Set(config.alarms.map((a) => a.id));
      config.alarms.forEach((alarm, i) => {
        for (const id of alarm.composite ? ruleAlarmIds(alarm.composite) : []) {
          if (!alarmIds.has(id) || id === alarm.id)
            ctx.addIssue({
              code: 'custom',
              path: ['alarms', i, 'composite'],
              message: `${id === alarm.id ? 'a composite alarm cannot name itself' : `no alarm has id "${id}"`}; name the alarms of this list by id, e.g. ALARM(orders-5xx)`,
            });
        }
      });
      const alarmNames = new Map<string, number>();
      config.alarms.forEach((alarm, i) => {
        const name = nameOfAlarm(alarm);
        if (alarmNames.has(name))
          ctx.addIssue({ code: 'custom', path: ['alarms', i, 'name'], message: `duplicate alarm name "${name}" (also alarms[${alarmNames.get(name)}])` });
        alarmNames.set(name, i);
      });
      const kinds = new Set(allProbes.map((p) => p.kind));
      config.runbooks.forEach((runbook, i) => {
        runbook.match.alarms?.forEach(
          (id, k) =>
            !alarmIds.has(id) &&
            ctx.addIssue({
              code: 'custom',
              path: ['runbooks', i, 'match', 'alarms', k],
              message: `no alarm has id "${id}"; the alarms section defines: ${[...alarmIds].join(', ') || '(none)'}`,
            }),
        );
        const trigger = runbook.match.checks;
        trigger?.ids?.forEach(
          (id, k) => !ids.has(id) && ctx.addIssue({ code: 'custom', path: ['runbooks', i, 'match', 'checks', 'ids', k], message: `no check has id "${id}"` }),
        );
        trigger?.kinds?.forEach(
          (kind, k) =>
            !kinds.has(kind as never) &&
            ctx.addIssue({
              code: 'custom',
              path: ['runbooks', i, 'match', 'checks', 'kinds', k],
              message: `no probe has kind "${kind}"; known: ${[...kinds].join(', ')}`,
            }),
        );
        runbook.steps.forEach((step, j) => {
          const at = ['runbooks', i, 'steps', j];
          const unknownCheck = (id: string, path: PropertyKey[]) => !ids.has(id) && ctx.addIssue({ code: 'custom', path, message: `no check has id "${id}"` });
          if ('diagnose' in step) step.diagnose.forEach((id, k) => unknownCheck(id, [...at, 'diagnose', k]));
          if ('precheck' in step) step.precheck.forEach((id, k) => unknownCheck(id, [...at, 'precheck', k]));
          if ('verify' in step && step.verify.check !== undefined) unknownCheck(step.verify.check, [...at, 'verify', 'check']);
          // Without a check of its own, verify re-runs the check that started the run: an alarm has none.
          const answersAlarms = runbook.match.alarmNames || runbook.match.alarmPrefix || runbook.match.tags || runbook.match.alarms;
          if ('verify' in step && step.verify.check === undefined && (answersAlarms || runbook.match.schedule)) {
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'verify', 'check'],
              message: `required in a runbook that ${answersAlarms ? 'answers alarms' : 'runs on a schedule'}: which check shows the fix held`,
            });
          }
          if ('act' in step && !remediationIds.has(step.act))
            ctx.addIssue({ code: 'custom', path: [...at, 'act'], message: `no remediation has id "${step.act}"` });
          // A scheduled run has no incident to carry a proposal: nobody could approve it.
          const proposes = 'act' in step && config.remediations.find((r) => r.id === step.act)?.mode === 'propose';
          if (runbook.match.schedule && proposes)
            ctx.addIssue({
              code: 'custom',
              path: [...at, 'act'],
              message: `"${step.act}" waits for approval (mode "propose"), which a scheduled run cannot get: give it mode "auto" (with allowAuto if high risk) or "observe"`,
            });
        });
      });
      if (!config.network) {
        config.checks.forEach((check, i) => {
          if (check.network === 'vpc')
            ctx.addIssue({ code: 'custom', path: ['checks', i, 'network'], message: '"vpc" needs the top-level network: { vpcId, subnets } to run in' });
        });
      }
      // Ids name things in payloads, incidents and guards: two of one name would be one silently shadowing the other.
      for (const list of ['checks', 'remediations', 'runbooks', 'alarms'] as const) {
        const seen = new Map<string, number>();
        (config[list] ?? []).forEach((item: { id: string }, i: number) => {
          const first = seen.get(item.id);
          if (first !== undefined) {
            ctx.addIssue({ code: 'custom', path: [list, i, 'id'], message: `duplicate id "${item.id}" (also ${list}[${first}])` });
          } else seen.set(item.id, i);
        });
      }
    }),
  );

type Common = z.output<z.ZodMiniObject<typeof commonShape>>;
type CommonInput = z.input<z.ZodMiniObject<typeof commonShape>>;
type Probes = (typeof allProbes)[number];

/** A validated check: the common fields plus its kind's settings, defaults filled in. */
export type CheckConfig = Probes extends infer P ? (P extends Probe<infer S, infer K> ? Common & { kind: K } & z.output<S> : never) : never;

/** A check as written in vigil.config.ts. */
export type CheckInput = Probes extends infer P ? (P extends Probe<infer S, infer K> ? CommonInput & { kind: K } & z.input<S> : never) : never;

export interface VigilConfig {
  defaults: { timeoutMs: number; concurrency: number };
  checks: CheckConfig[];
  incidents: z.output<typeof incidentsSchema>;
  brake: BrakePolicy;
  silences: Silence[];
  remediations: RemediationConfig[];
  runbooks: RunbookConfig[];
  alarms: AlarmConfig[];
  deployments: DeploymentConfig[];
  statusPage: StatusPageConfig;
  network?: NetworkConfig;
  /** Set when `checks` holds only some of them (a deployed function's share): what it knows of them all. */
  whole?: WholeChecks;
}

/** What a function holding only some checks knows of them all, worked out at synth (infra/check-catalog.ts). */
export interface WholeChecks {
  count: number;
  /** The first check's id: the examples in an error reply name it. */
  first?: string;
  /** The status page's components and, for each maintenance silence, the components it covers: read on first use. */
  status?: () => StatusComponents;
  /** The ids of a group's checks in config order, when `checks` holds only some of them (a round's): read when one opens. */
  mates?: (group: string) => string[];
}

export interface StatusComponents {
  components: { id: string; name: string; description?: string; checkIds: string[] }[];
  maintenance: Record<string, string[]>;
}

export interface VigilConfigInput {
  defaults?: { timeoutMs?: number; concurrency?: number };
  checks: CheckInput[];
  incidents?: z.input<typeof incidentsSchema>;
  brake?: z.input<typeof brakeSchema>;
  silences?: z.input<typeof silenceSchema>[];
  remediations?: RemediationInput[];
  runbooks?: z.input<typeof runbookSchema>[];
  alarms?: z.input<typeof alarmSchema>[];
  deployments?: z.input<typeof deploymentSchema>[];
  statusPage?: z.input<typeof statusPageSchema>;
  network?: z.input<typeof networkSchema>;
}
