import * as z from '../zod.js';
import { worst, type Observation, type Status } from '../findings.js';
import { isSensitiveName, redactUrl } from '../redact.js';
import { knownSecrets } from '../secrets/mask.js';
import { passwordSource, resolveCredentials, resolveSecret, secretSource, type SecretsPort } from '../secrets/credentials.js';
import { gradeUpper, optionalUpperLimits, upperLimits } from '../thresholds.js';
import { readHealthReport } from './health-report.js';
import { checkAssertion, assertionSchema, type Assertion } from './http-assert.js';
import { httpRequest, METHODS, type HttpRequest, type HttpResponse } from './http-client.js';
import { refineSteps, runSteps, stepSchema } from './http-steps.js';
import { describeNetworkError } from './network-errors.js';
import { defineProbe } from './probe.js';

const PHASES = ['dnsMs', 'connectMs', 'tlsMs', 'firstByteMs', 'totalMs'] as const;

const settings = z.strictObject({
  /** The URL to request. User info (`https://user:pass@…`) is sent as basic auth and never shown. */
  target: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  method: z._default(z.enum(METHODS), 'GET'),
  /**
   * Request headers. A value can come from Secrets Manager or the environment (`{ secret }`, `{ env }`),
   * so no token needs to sit in the config; values of those and of sensitive names are never shown.
   */
  headers: z._default(z.record(z.string(), z.union([z.string(), secretSource])), {}),
  /** Basic auth, its password from Secrets Manager or the environment (an RDS-style secret's `username` is the default user). */
  basicAuth: z.optional(z.strictObject({ user: z.optional(z.string().check(z.minLength(1))), password: passwordSource })),
  /** Request body, for POST. */
  body: z.optional(z.string()),
  /** Status codes that count as up. Default: [200] ([200, 204] for a preflight). */
  expectStatus: z.optional(z.array(z.int().check(z.minimum(100), z.maximum(599))).check(z.minLength(1))),
  /**
   * A CORS preflight: OPTIONS with this Origin and the method (and headers) a browser would ask for;
   * the answer must allow them. E.g. `{ origin: 'https://shop.example.com', method: 'POST', headers: ['content-type'] }`.
   */
  preflight: z.optional(
    z.strictObject({
      origin: z.url({ protocol: /^https?$/, error: 'expected an origin such as "https://shop.example.com"' }),
      method: z._default(z.enum(METHODS), 'GET'),
      headers: z._default(z.array(z.string().check(z.regex(/^[A-Za-z0-9-]+$/, 'expected a header name'))), []),
    }),
  ),
  /**
   * Read the body as a health report: `status` and each entry of `checks` (or `components`)
   * as healthy (ok), degraded (warn) or anything else (fail). Default: false.
   */
  healthReport: z._default(z.boolean(), false),
  /** Conditions on the JSON body or the headers, e.g. `{ path: 'checks.database', equals: 'healthy' }`, `{ header: 'cache-control', contains: 'max-age' }`. */
  assertions: z._default(z.array(assertionSchema), []),
  thresholds: z.prefault(
    z.strictObject({
      /** Time to response headers. Default: warn 500 ms, fail 2000 ms. */
      latencyMs: upperLimits(500, 2000),
      /** Each phase, when given: DNS, TCP connect and TLS are then measured on a connection of the check's own. */
      dnsMs: optionalUpperLimits(100, 1000),
      connectMs: optionalUpperLimits(100, 1000),
      tlsMs: optionalUpperLimits(200, 1000),
      firstByteMs: optionalUpperLimits(500, 2000),
      totalMs: optionalUpperLimits(1000, 5000),
    }),
    {},
  ),
  /** An API check: requests in order, sharing values (see docs/checks.md); each with its own assertions. */
  steps: z.optional(z.array(stepSchema).check(z.minLength(1), z.maxLength(10))),
  followRedirects: z._default(z.boolean(), true),
  /** Body bytes read at most; a health payload is small. Default: 64 KiB. */
  maxBodyBytes: z._default(z.int().check(z.positive()), 64 * 1024),
});

type HttpCheck = z.output<typeof settings>;

export const httpProbe = defineProbe({
  kind: 'http',
  regional: true,
  example: { target: 'https://api.example.com/health', healthReport: true },
  description: 'Requests a URL; checks status code, latency and the JSON health payload.',
  uses: {},
  settings,
  describeTarget: (check) => prepare(check).display,
  refine(check, ctx) {
    if (check.steps) refineSteps(check.steps, ctx);
    if (check.preflight && check.method !== 'GET')
      ctx.addIssue({ code: 'custom', path: ['method'], message: 'a preflight is an OPTIONS request: give the method it asks about as preflight.method' });
    if (!URL.canParse(check.target)) return; // already reported by the target's own rule
    const url = new URL(check.target);
    // Set twice, one would silently win over the other.
    const hasAuthHeader = Object.keys(check.headers).some((name) => name.toLowerCase() === 'authorization');
    if (check.basicAuth && (url.username || url.password || hasAuthHeader)) {
      ctx.addIssue({
        code: 'custom',
        path: ['basicAuth'],
        message: 'basicAuth, user info in the target and an Authorization header each set the same header: keep one',
      });
    }
  },
  secrets: (check) => prepare(check).secrets,
  async run(check, { signal, aws, redact }): Promise<Observation> {
    const { url } = prepare(check);
    // A credential that cannot be read is Vigil's setup, not the target's failure: it throws, an `error` finding.
    const headers = await resolveHeaders(check, aws.secrets);
    const send = (request: Omit<HttpRequest, 'signal' | 'followRedirects' | 'maxBodyBytes' | 'freshConnection'>) =>
      httpRequest({
        ...request,
        signal,
        followRedirects: check.followRedirects,
        maxBodyBytes: check.maxBodyBytes,
        freshConnection: PHASES.slice(0, 3).some((p) => check.thresholds[p]),
      });
    if (check.steps)
      return runSteps(check.steps, {
        base: url,
        headers,
        send,
        redact,
        signal,
        judge: (spec, response) => judgeResponse({ ...spec, thresholds: check.thresholds }, response, redact),
      });
    const preflight = check.preflight && preflightHeaders(check.preflight);
    let response: HttpResponse;
    try {
      response = await send({ url, method: preflight ? 'OPTIONS' : check.method, headers: { ...headers, ...preflight }, body: check.body });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      return { status: 'fail', summary: `request failed: ${describeNetworkError(err)}`, observed: {} };
    }
    return judge(check, response, redact);
  },
});

/** The headers to send: secret values read (and made known to every sink), Basic auth encoded. */
async function resolveHeaders(check: HttpCheck, secrets: SecretsPort | undefined): Promise<Record<string, string>> {
  const headers = { ...prepare(check).headers };
  for (const [name, value] of Object.entries(check.headers)) {
    if (typeof value === 'string') continue;
    headers[name] = await resolveSecret(value, secrets);
    knownSecrets.add(...credentialParts(name, headers[name], true));
  }
  if (check.basicAuth) {
    const creds = await resolveCredentials(check.basicAuth.password, secrets);
    headers.authorization = basic(check.basicAuth.user ?? creds.user ?? '', creds.password);
    knownSecrets.add(...credentialParts('authorization', headers.authorization, true));
  }
  return headers;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * The values a sensitive header carries, in the pieces a server may echo alone: the whole value,
 * the credential after its scheme (`Bearer <token>`), a Basic header's password (its base64 is
 * masked in any alignment, so `user:password` encoded is caught too), and each cookie's value.
 */
export function credentialParts(name: string, value: string, sensitive = isSensitiveName(name)): string[] {
  if (!sensitive) return [];
  const parts = [value];
  const scheme = /^(\w+)\s+(\S+)\s*$/.exec(value);
  if (scheme) {
    parts.push(scheme[2]!);
    if (scheme[1]!.toLowerCase() === 'basic') {
      const decoded = Buffer.from(scheme[2]!, 'base64').toString('utf8');
      if (decoded.includes(':')) parts.push(decoded.slice(decoded.indexOf(':') + 1));
    }
  }
  if (name.toLowerCase() === 'cookie')
    parts.push(...value.split(';').flatMap((pair) => (pair.includes('=') ? [pair.slice(pair.indexOf('=') + 1).trim()] : [])));
  return parts;
}

interface Prepared {
  /** The URL requested: its user info moved into an authorization header. */
  url: URL;
  /** The headers written in the config; those from secrets are read on each run. */
  headers: Record<string, string>;
  /** The target as findings show it. */
  display: string;
  secrets: string[];
}

// Worked out once per check, not three times per round: Lambda keeps the config between invocations.
const prepared = new WeakMap<HttpCheck, Prepared>();

function prepare(check: HttpCheck): Prepared {
  const known = prepared.get(check);
  if (known) return known;
  const url = new URL(check.target);
  const literal = Object.entries(check.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  const headers = Object.fromEntries(literal);
  if (url.username || url.password) {
    headers.authorization ??= basic(decodeURIComponent(url.username), decodeURIComponent(url.password));
    url.username = '';
    url.password = '';
  }
  const sensitiveParams = [...url.searchParams].filter(([name]) => isSensitiveName(name));
  const secrets = [...Object.entries(headers).flatMap(([name, value]) => credentialParts(name, value)), ...sensitiveParams.map(([, value]) => value)].filter(
    Boolean,
  );
  const ready = { url, headers, display: redactUrl(url.href), secrets };
  prepared.set(check, ready);
  return ready;
}

/** What one request is judged by: the check's own settings, or a step's. */
export interface ResponseSpec {
  expectStatus: number[];
  assertions: Assertion[];
  healthReport?: boolean;
  preflight?: HttpCheck['preflight'];
  thresholds?: HttpCheck['thresholds'];
}

// Whatever quotes the body is masked before it is cut short: no piece of a secret survives a cut.
function judge(check: HttpCheck, response: HttpResponse, redact: (text: string) => string): Observation {
  const expectStatus = check.expectStatus ?? (check.preflight ? [200, 204] : [200]);
  const { problems, evidence } = judgeResponse({ ...check, expectStatus }, response, redact);
  const { status: statusCode, latencyMs, body, timings } = response;
  const status = worst(...problems.map((p) => p.status));
  if (status !== 'ok') evidence.bodyExcerpt = redact(body).slice(0, 500);
  const phases = Object.fromEntries(PHASES.map((p) => [p, timings[p]]));
  return {
    status,
    summary: problems.length ? problems.map((p) => p.text).join('; ') : `HTTP ${statusCode} in ${latencyMs} ms`,
    observed: { statusCode, latencyMs, bodyBytes: Buffer.byteLength(body), ...phases },
    ...(Object.keys(evidence).length ? { evidence } : {}),
  };
}

/** The problems one response shows against its spec: status, latency and phases, preflight, health report, assertions. */
export function judgeResponse(
  spec: ResponseSpec,
  { status: statusCode, latencyMs, headers, body, timings }: HttpResponse,
  redact: (text: string) => string,
): { problems: { status: Status; text: string }[]; evidence: Record<string, unknown> } {
  const problems: { status: Status; text: string }[] = [];
  const evidence: Record<string, unknown> = {};
  if (!spec.expectStatus.includes(statusCode)) {
    problems.push({ status: 'fail', text: `HTTP ${statusCode} (expected ${spec.expectStatus.join(' or ')})` });
  }
  const limits = { latencyMs: spec.thresholds?.latencyMs, ...Object.fromEntries(PHASES.map((p) => [p, spec.thresholds?.[p]])) };
  const { reusedConnection: _reused, ...phases } = timings;
  const measured: Record<string, number> = { latencyMs, ...phases };
  for (const [name, limit] of Object.entries(limits)) {
    if (!limit) continue;
    const graded = gradeUpper(measured[name]!, limit);
    if (graded !== 'ok')
      problems.push({
        status: graded,
        text: `slow${name === 'latencyMs' ? '' : ` ${PHASE_NAMES[name]}`}: ${measured[name]} ms (${graded} at ${limit[graded === 'fail' ? 'fail' : 'warn']} ms)`,
      });
  }
  if (spec.preflight) problems.push(...judgePreflight(spec.preflight, headers));

  const needsJson = spec.healthReport || spec.assertions.some((a) => a.path !== undefined);
  const json = needsJson ? parseJson(body) : ({ ok: false } as const);
  if (needsJson && !json.ok)
    problems.push({ status: 'fail', text: `body is not JSON (${body.trim() === '' ? 'empty body' : `starts ${quote(redact(body))}`})` });
  if (spec.healthReport && json.ok) {
    const report = readHealthReport(json.value, redact);
    evidence.health = report.components;
    problems.push(...report.problems);
  }
  for (const a of spec.assertions) {
    const problem = checkAssertion(a, { json, headers }, (text) => quote(redact(text)));
    if (problem) problems.push(problem);
  }
  return { problems, evidence };
}

const PHASE_NAMES: Record<string, string> = { dnsMs: 'DNS', connectMs: 'connect', tlsMs: 'TLS', firstByteMs: 'first byte', totalMs: 'total' };

/** What a browser sends before a cross-origin request it must ask about. */
function preflightHeaders(p: NonNullable<HttpCheck['preflight']>): Record<string, string> {
  return {
    origin: new URL(p.origin).origin,
    'access-control-request-method': p.method,
    ...(p.headers.length ? { 'access-control-request-headers': p.headers.join(', ').toLowerCase() } : {}),
  };
}

/** The answer allows the origin, the method and each header asked for, or the browser refuses the request. */
function judgePreflight(p: NonNullable<HttpCheck['preflight']>, headers: Record<string, string>): { status: Status; text: string }[] {
  const origin = new URL(p.origin).origin;
  const problems: { status: Status; text: string }[] = [];
  const allowOrigin = headers['access-control-allow-origin'];
  if (allowOrigin !== '*' && allowOrigin !== origin)
    problems.push({
      status: 'fail',
      text: `CORS: ${origin} is not allowed (access-control-allow-origin ${allowOrigin === undefined ? 'missing' : JSON.stringify(allowOrigin)})`,
    });
  const list = (name: string) =>
    (headers[name] ?? '')
      .split(',')
      .map((x) => x.trim().toLowerCase())
      .filter(Boolean);
  const methods = list('access-control-allow-methods');
  // GET, HEAD and POST are CORS-safelisted: allowed without being listed.
  if (!['GET', 'HEAD', 'POST'].includes(p.method) && !methods.includes(p.method.toLowerCase()) && !methods.includes('*'))
    problems.push({
      status: 'fail',
      text: `CORS: method ${p.method} is not allowed (access-control-allow-methods ${JSON.stringify(headers['access-control-allow-methods'] ?? '')})`,
    });
  const allowed = list('access-control-allow-headers');
  const missing = p.headers.filter((h) => !allowed.includes(h.toLowerCase()) && !allowed.includes('*'));
  if (missing.length) problems.push({ status: 'fail', text: `CORS: header${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not allowed` });
  return problems;
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    // Not the parser's message: it quotes a piece of the body, cut wherever it likes.
    return { ok: false };
  }
}

const quote = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);
