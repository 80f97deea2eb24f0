import * as z from '../zod.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Ids of checks, groups, remediations and runbooks: they name schedules and manual payloads. */
export const nameSchema = z.string().check(z.regex(NAME, 'use 1-63 lowercase letters, digits and dashes, e.g. "api-health"'));

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];
