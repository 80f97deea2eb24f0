import * as z from '../zod.js';
import { businessHoursSchema } from './business-hours.js';
import { nameSchema, SEVERITIES } from './names.js';

/** How quickly someone must respond and resolve, how often to remind them, and how often to tell stakeholders, for one severity. */
function severity(respondMinutes: number, repeatMinutes: number, updateMinutes: number, resolveMinutes: number) {
  return z.prefault(
    z.strictObject({
      respondMinutes: z._default(z.number().check(z.positive()), respondMinutes),
      repeatMinutes: z._default(z.number().check(z.positive()), repeatMinutes),
      /** A status update to the stakeholders topic this often while the incident is active, acknowledged too. 0: none. */
      updateMinutes: z._default(z.number().check(z.minimum(0)), updateMinutes),
      /** Not resolved this long after the on-call was told: escalated (once) to the next level of `escalation`. 0: no deadline. */
      resolveMinutes: z._default(z.number().check(z.minimum(0)), resolveMinutes),
    }),
    {},
  );
}

const snsTopicArn = z
  .string()
  .check(z.regex(/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'expected an SNS topic ARN, e.g. "arn:aws:sns:eu-west-1:123456789012:leads"'));

/** One level of the escalation chain. */
const escalationLevel = z.strictObject({
  /** Names the level in messages and events (`detail.level`), e.g. "secondary", "lead". */
  name: nameSchema,
  /** Minutes after the level before it (the first: after the on-call was told) with nobody acknowledging. Default: the severity's `respondMinutes`. */
  afterMinutes: z.optional(z.number().check(z.positive())),
  /** Where it goes. Default: the stack's escalations topic. An EventBridge rule can also route by `detail.level`. */
  topic: z.optional(snsTopicArn),
});

export const incidentsSchema = z.prefault(
  z.strictObject({
    /** Consecutive failing findings that open an incident. Default: 2, so one blip does not page. */
    failureThreshold: z._default(z.int().check(z.minimum(1), z.maximum(100)), 2),
    /** Consecutive passing findings that resolve it. Default: 2, so a flapping target does not spam. */
    successThreshold: z._default(z.int().check(z.minimum(1), z.maximum(100)), 2),
    /** Whether `warn` findings count as failing. Default: false (only fail and error do). */
    openOnWarn: z._default(z.boolean(), false),
    /** Reminders after the first notification while nobody acknowledges. Default: 3. */
    maxRepeats: z._default(z.int().check(z.minimum(0), z.maximum(100)), 3),
    /**
     * Whether the resolution of a silenced incident is sent when its opening was (it was paged, then
     * silenced), so the page a pager opened downstream gets closed. One never paged resolves quietly. Default: true.
     */
    resolveSilenced: z._default(z.boolean(), true),
    /**
     * A check that changes between failing and passing more than `changes` times within `windowMinutes` is
     * flapping: one [FLAPPING] message, no runbook acts for it, until it has held still for `stableMinutes`.
     */
    flapping: z.prefault(
      z.strictObject({
        /** Changes between failing and passing, within the window, that make it flapping. Default: 6. */
        changes: z._default(z.int().check(z.minimum(2), z.maximum(100)), 6),
        /** The window they are counted in. Default: 60. */
        windowMinutes: z._default(z.number().check(z.positive()), 60),
        /** How long it must hold still to be judged again. Default: 30. */
        stableMinutes: z._default(z.number().check(z.positive()), 30),
      }),
      {},
    ),
    /**
     * Incidents of one group (a check's `group`, else its `service` tag) that open within `windowMinutes` of the
     * first go out as that one's notification, naming them all; acknowledging or silencing it covers them. 0: off.
     */
    grouping: z.prefault(
      z.strictObject({
        /** Minutes after the first incident of a group within which the others are told with it. Default: 5; 0: off. */
        windowMinutes: z._default(z.number().check(z.minimum(0), z.maximum(1440)), 5),
      }),
      {},
    ),
    /** Days a notable finding is kept in the history. Default: 30. */
    historyDays: z._default(z.int().check(z.minimum(1), z.maximum(3650)), 30),
    /**
     * Response and resolution times from the guides: P1 15 min and 1 h, P2 1 h and 4 h, P3 4 h and a day, P4 a day
     * and a week; reminders in between; stakeholder updates every 15 minutes for P1 (as the guides' template
     * promises) and hourly for P2.
     */
    severities: z.prefault(
      z.strictObject({
        P1: severity(15, 5, 15, 60),
        P2: severity(60, 15, 60, 240),
        P3: severity(240, 60, 0, 1440),
        P4: severity(1440, 240, 0, 10080),
      }),
      {},
    ),
    /**
     * Who hears of an incident nobody acknowledges, level after level; acknowledging stops it. Default: one level,
     * the escalations topic after the severity's `respondMinutes`.
     */
    escalation: z._default(z.array(escalationLevel).check(z.minLength(1), z.maxLength(5)), [{ name: 'escalations' }]),
    /**
     * An OpsCenter OpsItem per incident of these severities, opened with it, in progress once acknowledged, resolved
     * with it. Default: none.
     */
    opsCenter: z.optional(
      z.strictObject({
        /** The severities that get an OpsItem. Default: P1 and P2. */
        severities: z._default(z.array(z.enum(SEVERITIES)).check(z.minLength(1)), ['P1', 'P2']),
      }),
    ),
    /** Business hours for the severities that may wait: outside them such an incident waits for the morning. */
    businessHours: z.optional(businessHoursSchema),
  }),
  {},
);
