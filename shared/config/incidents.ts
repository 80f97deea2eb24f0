import { z } from 'zod';

/** How quickly someone must respond, and how often to remind them, for one severity. */
function severity(respondMinutes: number, repeatMinutes: number) {
  return z
    .strictObject({
      respondMinutes: z.number().positive().default(respondMinutes),
      repeatMinutes: z.number().positive().default(repeatMinutes),
    })
    .prefault({});
}

export const incidentsSchema = z
  .strictObject({
    /** Consecutive failing findings that open an incident. Default: 2, so one blip does not page. */
    failureThreshold: z.int().min(1).max(100).default(2),
    /** Consecutive passing findings that resolve it. Default: 2, so a flapping target does not spam. */
    successThreshold: z.int().min(1).max(100).default(2),
    /** Whether `warn` findings count as failing. Default: false (only fail and error do). */
    openOnWarn: z.boolean().default(false),
    /** Reminders after the first notification while nobody acknowledges. Default: 3. */
    maxRepeats: z.int().min(0).max(100).default(3),
    /** Days a notable finding is kept in the history. Default: 30. */
    historyDays: z.int().min(1).max(3650).default(30),
    /** Response SLAs from the guides: P1 15 min, P2 1 h, P3 4 h, P4 1 day; reminders in between. */
    severities: z
      .strictObject({
        P1: severity(15, 5),
        P2: severity(60, 15),
        P3: severity(240, 60),
        P4: severity(1440, 240),
      })
      .prefault({}),
  })
  .prefault({});
