import * as z from '../zod.js';
import { nameSchema, SEVERITIES } from './names.js';

// A runbook's shape, apart from the remediations' (whose schema is built from every remediation's code):
// a function that reads runbooks loads no remediation for it.

const step = z.union([
  z.strictObject({
    /** Run these checks and attach their findings as evidence. */
    diagnose: z.array(z.string()).check(z.minLength(1)),
  }),
  z.strictObject({
    /** Run these checks; unless every one passes, stop here, nothing done, and tell a human why. */
    precheck: z.array(z.string()).check(z.minLength(1)),
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
    /** Wait this long before the next step, across invocations: the run sleeps, and a one-time schedule wakes it. */
    wait: z.strictObject({
      /** Minutes, 1 to 1440 (a day). */
      minutes: z.number().check(z.minimum(1), z.maximum(1440)),
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

/** When a runbook starts by itself: an EventBridge Scheduler expression in a time zone. */
const scheduleTrigger = z.strictObject({
  /** `cron(0 2 15 * ? *)` (02:00 on the 15th), or `rate(7 days)`. */
  expression: z
    .string()
    .check(
      z.regex(
        /^(cron\([^()]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/,
        'expected an EventBridge Scheduler expression, e.g. "cron(0 2 15 * ? *)" or "rate(7 days)"',
      ),
    ),
  /** An IANA time zone the cron is read in. Default: UTC. */
  timezone: z._default(z.string().check(z.regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'expected an IANA time zone, e.g. "Europe/Paris"')), 'UTC'),
});

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
      /** Start it on a schedule (monthly maintenance, a weekly reindex): a run with no incident, its actions told on the alerts topic. */
      schedule: z.optional(scheduleTrigger),
    })
    .check(
      z.refine((m) => m.alarms || m.alarmNames || m.alarmPrefix || m.tags || m.checks || m.schedule, {
        message: "give alarms (by id), alarmNames, alarmPrefix or tags (alarms), checks (Vigil's own checks), or a schedule",
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
