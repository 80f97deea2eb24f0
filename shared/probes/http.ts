import * as z from '../zod.js';
import { worst, type Observation, type Status } from '../findings.js';
import { isSensitiveName, redactUrl } from '../redact.js';
import { knownSecrets } from '../secrets/mask.js';
import { passwordSource, resolveCredentials, resolveSecret, secretSource, type SecretsPort } from '../secrets/credentials.js';
import { gradeUpper, upperLimits } from '../thresholds.js';
import { readHealthReport } from './health-report.js';
import { httpRequest, type HttpResponse } from './http-client.js';
import { describeNetworkError } from './network-errors.js';
import { defineProbe } from './probe.js';

const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const settings = z.strictObject({
  /** The URL to request. User info (`https://user:pass@…`) is sent as basic auth and never shown. */
  target: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  method: z._default(z.enum(['GET', 'HEAD', 'POST']), 'GET'),
  /**
   * Request headers. A value can come from Secrets Manager or the environment (`{ secret }`, `{ env }`),
   * so no token needs to sit in the config; values of those and of sensitive names are never shown.
   */
  headers: z._default(z.record(z.string(), z.union([z.string(), secretSource])), {}),
  /** Basic auth, its password from Secrets Manager or the environment (an RDS-style secret's `username` is the default user). */
  basicAuth: z.optional(z.strictObject({ user: z.optional(z.string().check(z.minLength(1))), password: passwordSource })),
  /** Request body, for POST. */
  body: z.optional(z.string()),
  /** Status codes that count as up. Default: [200]. */
  expectStatus: z._default(z.array(z.int().check(z.minimum(100), z.maximum(599))).check(z.minLength(1)), [200]),
  /**
   * Read the body as a health report: `status` and each entry of `checks` (or `components`)
   * as healthy (ok), degraded (warn) or anything else (fail). Default: false.
   */
  healthReport: z._default(z.boolean(), false),
  /** JSON body conditions, e.g. `{ path: 'checks.database', equals: 'healthy' }`. */
  assertions: z._default(
    z.array(
      z.strictObject({
        path: z.string().check(z.minLength(1)),
        equals: jsonValue,
        /** What a mismatch means. Default: fail. */
        onMismatch: z._default(z.enum(['warn', 'fail']), 'fail'),
      }),
    ),
    [],
  ),
  thresholds: z.prefault(
    z.strictObject({
      /** Time to response headers. Default: warn 500 ms, fail 2000 ms. */
      latencyMs: upperLimits(500, 2000),
    }),
    {},
  ),
  followRedirects: z._default(z.boolean(), true),
  /** Body bytes read at most; a health payload is small. Default: 64 KiB. */
  maxBodyBytes: z._default(z.int().check(z.positive()), 64 * 1024),
});

type HttpCheck = z.output<typeof settings>;

export const httpProbe = defineProbe({
  kind: 'http',
  description: 'Requests a URL; checks status code, latency and the JSON health payload.',
  settings,
  describeTarget: (check) => prepare(check).display,
  refine(check, ctx) {
    if (!URL.canParse(check.target)) return; // already reported by the target's own rule
    const url = new URL(check.target);
    // Set twice, one would silently win over the other.
    const hasAuthHeader = Object.keys(check.headers).some((name) => name.toLowerCase() === 'authorization');
    if (check.basicAuth && (url.username || url.password || hasAuthHeader)) {
      ctx.addIssue({ code: 'custom', path: ['basicAuth'], message: 'basicAuth, user info in the target and an Authorization header each set the same header: keep one' });
    }
  },
  secrets: (check) => prepare(check).secrets,
  async run(check, { signal, aws, redact }): Promise<Observation> {
    const { url } = prepare(check);
    let response: HttpResponse;
    try {
      const headers = await resolveHeaders(check, aws.secrets);
      response = await httpRequest({
        url,
        method: check.method,
        headers,
        body: check.body,
        signal,
        followRedirects: check.followRedirects,
        maxBodyBytes: check.maxBodyBytes,
      });
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
  if (name.toLowerCase() === 'cookie') parts.push(...value.split(';').flatMap((pair) => (pair.includes('=') ? [pair.slice(pair.indexOf('=') + 1).trim()] : [])));
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
  const secrets = [...Object.entries(headers).flatMap(([name, value]) => credentialParts(name, value)), ...sensitiveParams.map(([, value]) => value)].filter(Boolean);
  const ready = { url, headers, display: redactUrl(url.href), secrets };
  prepared.set(check, ready);
  return ready;
}

// Whatever quotes the body is masked before it is cut short: no piece of a secret survives a cut.
function judge(check: HttpCheck, { status: statusCode, latencyMs, body }: HttpResponse, redact: (text: string) => string): Observation {
  const problems: { status: Status; text: string }[] = [];
  if (!check.expectStatus.includes(statusCode)) {
    problems.push({ status: 'fail', text: `HTTP ${statusCode} (expected ${check.expectStatus.join(' or ')})` });
  }
  const latencyStatus = gradeUpper(latencyMs, check.thresholds.latencyMs);
  if (latencyStatus !== 'ok') {
    const limit = check.thresholds.latencyMs[latencyStatus === 'fail' ? 'fail' : 'warn'];
    problems.push({ status: latencyStatus, text: `slow: ${latencyMs} ms (${latencyStatus} at ${limit} ms)` });
  }

  const evidence: Record<string, unknown> = {};
  const needsJson = check.healthReport || check.assertions.length > 0;
  if (needsJson) {
    const parsed = parseJson(body);
    if (!parsed.ok) {
      problems.push({ status: 'fail', text: `body is not JSON (${body.trim() === '' ? 'empty body' : `starts ${quote(redact(body))}`})` });
    } else {
      if (check.healthReport) {
        const report = readHealthReport(parsed.value, redact);
        evidence.health = report.components;
        problems.push(...report.problems);
      }
      for (const a of check.assertions) {
        const actual = valueAt(parsed.value, a.path);
        if (actual !== a.equals) {
          problems.push({ status: a.onMismatch, text: `${a.path} is ${quote(redact(JSON.stringify(actual) ?? 'undefined'))} (expected ${JSON.stringify(a.equals)})` });
        }
      }
    }
  }

  const status = worst(...problems.map((p) => p.status));
  if (status !== 'ok') evidence.bodyExcerpt = redact(body).slice(0, 500);
  return {
    status,
    summary: problems.length ? problems.map((p) => p.text).join('; ') : `HTTP ${statusCode} in ${latencyMs} ms`,
    observed: { statusCode, latencyMs, bodyBytes: Buffer.byteLength(body) },
    ...(Object.keys(evidence).length ? { evidence } : {}),
  };
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

/** `checks.database` → body.checks.database; undefined when any step is missing. */
export function valueAt(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}
