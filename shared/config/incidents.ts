import * as z from '../zod.js';

/** How quickly someone must respond, and how often to remind them, for one severity. */
function severity(respondMinutes: number, repeatMinutes: number) {
  return z.prefault(
    z.strictObject({
      respondMinutes: z._default(z.number().check(z.positive()), respondMinutes),
      repeatMinutes: z._default(z.number().check(z.positive()), repeatMinutes),
    }),
    {},
  );
}

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
        changes: z._default(z.int().check(z.minimum(2), z.maximum(100)), 6),
        windowMinutes: z._default(z.number().check(z.positive()), 60),
        stableMinutes: z._default(z.number().check(z.positive()), 30),
      }),
      {},
    ),
    /**
     * Incidents of one group (a check's `group`, else its `service` tag) that open within `windowMinutes` of the
     * first go out as that one's notification, naming them all; acknowledging or silencing it covers them. 0: off.
     */
    grouping: z.prefault(z.strictObject({ windowMinutes: z._default(z.number().check(z.minimum(0), z.maximum(1440)), 5) }), {}),
    /** Days a notable finding is kept in the history. Default: 30. */
    historyDays: z._default(z.int().check(z.minimum(1), z.maximum(3650)), 30),
    /** Response SLAs from the guides: P1 15 min, P2 1 h, P3 4 h, P4 1 day; reminders in between. */
    severities: z.prefault(
      z.strictObject({
        P1: severity(15, 5),
        P2: severity(60, 15),
        P3: severity(240, 60),
        P4: severity(1440, 240),
      }),
      {},
    ),
  }),
  {},
);
