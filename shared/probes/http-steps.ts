import * as z from '../zod.js';
import { worst, type Observation, type Status } from '../findings.js';
import { isSensitiveName, redactUrl } from '../redact.js';
import { knownSecrets } from '../secrets/mask.js';
import { assertionSchema, valueAt, type Assertion } from './http-assert.js';
import { METHODS, type HttpRequest, type HttpResponse } from './http-client.js';
import { describeNetworkError } from './network-errors.js';

const TEMPLATE = /\{\{(\w+)\}\}/g;

/**
 * One request of an API check. `{{name}}` in its path, headers or body takes a value an earlier step
 * extracted, e.g. a login's token into `authorization: 'Bearer {{token}}'`, a created order's id into `/orders/{{orderId}}`.
 */
export const stepSchema = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(64)),
  method: z._default(z.enum(METHODS), 'GET'),
  /** Relative to the check's target (`/orders/{{orderId}}`), or a whole URL. */
  path: z.string().check(z.minLength(1)),
  headers: z._default(z.record(z.string(), z.string()), {}),
  /** Text, or JSON (sent with content-type application/json). */
  body: z.optional(z.union([z.string(), z.record(z.string(), z.unknown())])),
  /** Default: any of 200, 201, 202, 204. */
  expectStatus: z._default(z.array(z.int().check(z.minimum(100), z.maximum(599))).check(z.minLength(1)), [200, 201, 202, 204]),
  assertions: z._default(z.array(assertionSchema), []),
  /** Values later steps use, by name: from the JSON body (`{ path: 'access_token' }`) or a header (`{ header: 'location' }`). */
  extract: z._default(
    z.record(
      z.string().check(z.regex(/^\w+$/, 'expected a name of letters, digits and _')),
      z.union([z.strictObject({ path: z.string() }), z.strictObject({ header: z.string() })]),
    ),
    {},
  ),
  /** Runs even after an earlier step failed: a clean-up. Default: false. */
  always: z._default(z.boolean(), false),
});

export type Step = z.output<typeof stepSchema>;

/** Names unique, and every `{{name}}` extracted by an earlier step: a typo is refused at load, not found at 3 a.m. */
export function refineSteps(steps: Step[], ctx: z.core.$RefinementCtx): void {
  const known = new Set<string>();
  const names = new Set<string>();
  steps.forEach((step, i) => {
    if (names.has(step.name))
      ctx.addIssue({ code: 'custom', path: ['steps', i, 'name'], message: `two steps are named "${step.name}": each names itself in a failure` });
    names.add(step.name);
    const used = [step.path, ...Object.values(step.headers), typeof step.body === 'string' ? step.body : JSON.stringify(step.body ?? '')].flatMap((t) =>
      [...t.matchAll(TEMPLATE)].map((m) => m[1]!),
    );
    for (const name of used)
      if (!known.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i],
          message: `{{${name}}} is not extracted by an earlier step${known.size ? ` (known: ${[...known].join(', ')})` : ''}`,
        });
    for (const name of Object.keys(step.extract)) known.add(name);
  });
}

interface StepContext {
  base: URL;
  /** The check's own headers (and credentials), sent with every step. */
  headers: Record<string, string>;
  send(request: Omit<HttpRequest, 'signal' | 'followRedirects' | 'maxBodyBytes' | 'freshConnection'>): Promise<HttpResponse>;
  redact(text: string): string;
  signal: AbortSignal;
  judge(spec: { expectStatus: number[]; assertions: Assertion[] }, response: HttpResponse): { problems: { status: Status; text: string }[] };
}

/** Runs the steps in order; after a failure only `always` steps run. The first failing step names itself. */
export async function runSteps(steps: Step[], ctx: StepContext): Promise<Observation> {
  const values = new Map<string, string>();
  const results: Record<string, unknown>[] = [];
  let first: { index: number; name: string; status: Status; text: string } | undefined;
  const statuses: Status[] = [];
  const started = performance.now();
  for (const [index, step] of steps.entries()) {
    if (first && !step.always) {
      results.push({ step: step.name, skipped: true });
      continue;
    }
    const fill = (text: string, sensitive: boolean) =>
      text.replace(TEMPLATE, (_, name: string) => {
        const value = values.get(name) ?? '';
        // A value sent as a credential is masked wherever it could show.
        if (sensitive && value) knownSecrets.add(value);
        return value;
      });
    const url = new URL(fill(step.path, false), ctx.base);
    const headers = { ...ctx.headers, ...Object.fromEntries(Object.entries(step.headers).map(([name, v]) => [name, fill(v, isSensitiveName(name))])) };
    const body = step.body === undefined ? undefined : typeof step.body === 'string' ? fill(step.body, false) : fill(JSON.stringify(step.body), false);
    if (step.body !== undefined && typeof step.body !== 'string') headers['content-type'] ??= 'application/json';
    const stepStarted = performance.now();
    let problems: { status: Status; text: string }[];
    let response: HttpResponse | undefined;
    try {
      response = await ctx.send({ url, method: step.method, headers, body });
      problems = ctx.judge(step, response).problems;
      problems.push(...extract(step, response, values));
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      problems = [{ status: 'fail', text: `request failed: ${describeNetworkError(err)}` }];
    }
    const status = worst(...problems.map((p) => p.status));
    statuses.push(status);
    results.push({
      step: step.name,
      request: `${step.method} ${ctx.redact(redactUrl(url.href))}`,
      status,
      ...(response ? { statusCode: response.status } : {}),
      ms: Math.round(performance.now() - stepStarted),
      ...(problems.length ? { problems: problems.map((p) => p.text) } : {}),
    });
    if (status !== 'ok' && !first) first = { index, name: step.name, status, text: problems.map((p) => p.text).join('; ') };
  }
  const totalMs = Math.round(performance.now() - started);
  const passed = statuses.filter((s) => s === 'ok').length;
  const observed = { steps: steps.length, passed, totalMs };
  if (!first) return { status: 'ok', summary: `${steps.length} steps passed in ${totalMs} ms`, observed, evidence: { steps: results } };
  return { status: worst(...statuses), summary: `step ${first.index + 1} "${first.name}": ${first.text}`, observed, evidence: { steps: results } };
}

/** Takes the step's values for the next ones; a value that is not there is the step's failure. */
function extract(step: Step, response: HttpResponse, values: Map<string, string>): { status: Status; text: string }[] {
  const problems: { status: Status; text: string }[] = [];
  let json: unknown;
  for (const [name, from] of Object.entries(step.extract)) {
    let value: unknown;
    if ('header' in from) value = response.headers[from.header.toLowerCase()];
    else {
      try {
        json ??= JSON.parse(response.body);
        value = valueAt(json, from.path);
      } catch {
        value = undefined;
      }
    }
    if (value === undefined || value === null || typeof value === 'object') {
      problems.push({ status: 'fail', text: `no ${name} in the response (${'header' in from ? `header ${from.header}` : from.path})` });
      continue;
    }
    values.set(name, String(value));
    if (isSensitiveName(name)) knownSecrets.add(String(value));
  }
  return problems;
}
