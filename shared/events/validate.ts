import type * as z from '../zod.js';
import { formatPath } from '../config/path.js';
import { keysAt, unknownKey } from '../config/suggest.js';

/** A console payload is a few hundred bytes; anything near this is a paste gone wrong. */
export const MAX_EVENT_BYTES = 8 * 1024;

/** What a manual invocation gets back for a payload it cannot use: every problem, and payloads that work. */
export interface InvalidRequest {
  error: string;
  problems: string[];
  example?: unknown;
  examples?: Record<string, unknown>;
}

export type Validated<T> = { ok: true; data: T } | { ok: false; problems: string[] };

/** Parses an event; never throws, never echoes the values given (they may hold a secret). */
export function validateEvent<S extends z.ZodMiniType>(schema: S, event: unknown, maxBytes = MAX_EVENT_BYTES): Validated<z.output<S>> {
  const bytes = Buffer.byteLength(JSON.stringify(event ?? null));
  if (bytes > maxBytes) return { ok: false, problems: [`(event): ${bytes} bytes; the limit is ${maxBytes}`] };
  const result = schema.safeParse(event);
  if (result.success) return { ok: true, data: result.data };
  const problems = result.error.issues.flatMap(flatten).map((i) => `${formatPath(i.path) || '(event)'}: ${described(i, schema, event)}`);
  return { ok: false, problems: [...new Set(problems)] };
}

/** An unknown key names the one that was likely meant; only keys are echoed, never values. */
function described(issue: Issue, schema: z.ZodMiniType, event: unknown): string {
  if (issue.code !== 'unrecognized_keys' || !issue.keys) return readable(issue.message);
  const known = keysAt(schema as never, issue.path, event) ?? [];
  return issue.keys.map((key) => unknownKey(key, known)).join('; ');
}

/** zod says a missing field is "expected string, received undefined"; a person says "required". */
function readable(message: string): string {
  return message.replace(/^Invalid input: expected (\w+), received undefined$/, 'required ($1)');
}

type Issue = { path: PropertyKey[]; message: string; code?: string; keys?: string[]; errors?: Issue[][] };

/** A union's issue holds each alternative's issues; the alternatives' own messages are the useful ones. */
function flatten(issue: Issue): Issue[] {
  if (!issue.errors?.length) return [issue];
  return issue.errors.flat().flatMap((i) => flatten({ ...i, path: [...issue.path, ...i.path] }));
}
