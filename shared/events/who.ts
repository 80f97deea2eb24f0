import { z } from 'zod';

/** Who acts and why: every human action carries both onto the incident's timeline. */
export const who = {
  by: z.string().trim().min(1, 'say who you are, e.g. "alice"').max(100),
  reason: z.string().trim().min(1, 'say why, e.g. "deploying the fix"').max(500),
};

/** `api-health/3`: the check id, a slash, the incident's number. */
export const incidentId = z.string().max(200).regex(/^.+\/\d+$/, 'expected an incident id like "api-health/3" (from the notification)');
