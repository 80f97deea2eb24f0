import * as z from '../zod.js';
import { oneLine } from '../text.js';

/** Who acts and why: every human action carries both onto the incident's timeline. */
export const who = {
  by: z.string().check(z.trim(), z.minLength(1, 'say who you are, e.g. "alice"'), z.maxLength(100), oneLine),
  reason: z.string().check(z.trim(), z.minLength(1, 'say why, e.g. "deploying the fix"'), z.maxLength(500), oneLine),
};

/** `api-health/3`: the check id, a slash, the incident's number. */
export const incidentId = z.string().check(z.maxLength(200), oneLine, z.regex(/^.+\/\d+$/, 'expected an incident id like "api-health/3" (from the notification)'));
