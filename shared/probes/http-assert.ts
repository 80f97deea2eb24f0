import * as z from '../zod.js';
import type { Status } from '../findings.js';

const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const OPERATORS = ['equals', 'exists', 'contains', 'matches', 'lessThan', 'greaterThan'] as const;

/**
 * One condition on the response: a JSON body path or a header, and one comparison. E.g.
 * `{ path: 'checks.database', equals: 'healthy' }`, `{ header: 'cache-control', contains: 'max-age' }`,
 * `{ path: 'queue.depth', lessThan: 100 }`, `{ header: 'strict-transport-security', exists: true }`.
 */
export const assertionSchema = z
  .strictObject({
    /** A dotted path into the JSON body, e.g. `checks.database` or `items.0.id`. */
    path: z.optional(z.string().check(z.minLength(1))),
    /** A response header, any case. */
    header: z.optional(z.string().check(z.minLength(1))),
    equals: z.optional(jsonValue),
    exists: z.optional(z.boolean()),
    contains: z.optional(z.string()),
    /** A regular expression the value (as text) must match. */
    matches: z.optional(z.string().check(z.refine((r) => compiles(r), 'expected a valid regular expression, e.g. "^v\\\\d+"'))),
    lessThan: z.optional(z.number()),
    greaterThan: z.optional(z.number()),
    /** What a mismatch means. Default: fail. */
    onMismatch: z._default(z.enum(['warn', 'fail']), 'fail'),
  })
  .check(
    z.superRefine((a, ctx) => {
      if ((a.path === undefined) === (a.header === undefined)) ctx.addIssue({ code: 'custom', message: 'give one of "path" (the JSON body) or "header"' });
      const given = OPERATORS.filter((op) => a[op] !== undefined);
      if (given.length !== 1)
        ctx.addIssue({ code: 'custom', message: `give exactly one of ${OPERATORS.join(', ')}${given.length ? ` (got ${given.join(', ')})` : ''}` });
    }),
  );

export type Assertion = z.output<typeof assertionSchema>;

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** `checks.database` → body.checks.database; undefined when any step is missing. */
export function valueAt(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

export interface AssertionInput {
  /** The parsed JSON body, when it is JSON. */
  json: { ok: true; value: unknown } | { ok: false };
  /** Response headers, lower-cased names. */
  headers: Record<string, string>;
}

/** The problem an assertion finds, or undefined when it holds. `show` masks and cuts what is quoted. */
export function checkAssertion(a: Assertion, input: AssertionInput, show: (text: string) => string): { status: Status; text: string } | undefined {
  const where = a.path !== undefined ? a.path : `header ${a.header!.toLowerCase()}`;
  if (a.path !== undefined && !input.json.ok) return undefined; // the body's own problem is reported once, by the caller
  const actual = a.path !== undefined ? valueAt((input.json as { value: unknown }).value, a.path) : input.headers[a.header!.toLowerCase()];
  const text = actual === undefined ? undefined : typeof actual === 'string' ? actual : JSON.stringify(actual);
  const shown = text === undefined ? 'missing' : `is ${show(JSON.stringify(actual))}`;
  const fail = (expected: string) => ({ status: a.onMismatch, text: `${where} ${shown} (expected ${expected})` });
  if (a.exists !== undefined) return (actual !== undefined) === a.exists ? undefined : fail(a.exists ? 'present' : 'absent');
  if (a.equals !== undefined) return actual === a.equals || (a.header !== undefined && text === String(a.equals)) ? undefined : fail(JSON.stringify(a.equals));
  if (a.contains !== undefined)
    return text?.includes(a.contains) || (Array.isArray(actual) && actual.includes(a.contains)) ? undefined : fail(`to contain ${JSON.stringify(a.contains)}`);
  if (a.matches !== undefined) return text !== undefined && new RegExp(a.matches).test(text) ? undefined : fail(`to match /${a.matches}/`);
  const n = typeof actual === 'number' ? actual : text !== undefined && text.trim() !== '' ? Number(text) : NaN;
  if (a.lessThan !== undefined) return n < a.lessThan ? undefined : fail(`below ${a.lessThan}`);
  if (a.greaterThan !== undefined) return n > a.greaterThan ? undefined : fail(`above ${a.greaterThan}`);
  return undefined;
}
