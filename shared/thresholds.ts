import * as z from './zod.js';
import type { Status } from './findings.js';

export interface Limits {
  warn: number;
  fail: number;
}

/** Warn/fail limits for a value where higher is worse (latency, usage). */
export function upperLimits(warn: number, fail: number) {
  return z.prefault(
    z
      .strictObject({
        warn: z._default(z.number().check(z.nonnegative()), warn),
        fail: z._default(z.number().check(z.nonnegative()), fail),
      })
      .check(z.refine((l) => l.warn <= l.fail, { message: 'warn must not be above fail', path: ['warn'] })),
    {},
  );
}

/** Warn/fail limits for a value where higher is worse, graded only when given (`{}` takes these defaults). */
export function optionalUpperLimits(warn: number, fail: number) {
  return z.optional(
    z
      .strictObject({
        warn: z._default(z.number().check(z.nonnegative()), warn),
        fail: z._default(z.number().check(z.nonnegative()), fail),
      })
      .check(z.refine((l) => l.warn <= l.fail, { message: 'warn must not be above fail', path: ['warn'] })),
  );
}

/** Warn/fail limits for a value where lower is worse (days left, free space). */
export function lowerLimits(warn: number, fail: number) {
  return z.prefault(
    z
      .strictObject({
        warn: z._default(z.number().check(z.nonnegative()), warn),
        fail: z._default(z.number().check(z.nonnegative()), fail),
      })
      .check(z.refine((l) => l.warn >= l.fail, { message: 'warn must not be below fail', path: ['warn'] })),
    {},
  );
}

export function gradeUpper(value: number, limits: Limits): Status {
  if (value >= limits.fail) return 'fail';
  if (value >= limits.warn) return 'warn';
  return 'ok';
}

export function gradeLower(value: number, limits: Limits): Status {
  if (value <= limits.fail) return 'fail';
  if (value <= limits.warn) return 'warn';
  return 'ok';
}

/** Optional limits on both sides of a value: above `*Above` or below `*Below` it warns or fails. */
export interface AboveBelow {
  warnAbove?: number | undefined;
  failAbove?: number | undefined;
  warnBelow?: number | undefined;
  failBelow?: number | undefined;
}

/** A value against optional limits on either side; a limit not given is never crossed. */
export function gradeAboveBelow(value: number, l: AboveBelow): Status {
  if ((l.failAbove !== undefined && value > l.failAbove) || (l.failBelow !== undefined && value < l.failBelow)) return 'fail';
  if ((l.warnAbove !== undefined && value > l.warnAbove) || (l.warnBelow !== undefined && value < l.warnBelow)) return 'warn';
  return 'ok';
}
