import * as z from '../zod.js';
import { worst, type Observation, type Status } from '../findings.js';
import { isSensitiveName, redactUrl } from '../redact.js';
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
  /** Request headers. Values of sensitive ones (authorization, tokens, keys, cookies) are never shown. */
  headers: z._default(z.record(z.string(), z.string()), {}),
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
  secrets: (check) => prepare(check).secrets,
  async run(check, { signal }): Promise<Observation> {
    const { url, headers } = prepare(check);
    let response: HttpResponse;
    try {
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
    return judge(check, response.status, response.latencyMs, response.body);
  },
});

interface Prepared {
  /** The URL requested: its user info moved into an authorization header. */
  url: URL;
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
  const sensitiveHeaders = Object.entries(check.headers).filter(([name]) => isSensitiveName(name));
  const sensitiveParams = [...url.searchParams].filter(([name]) => isSensitiveName(name));
  const secrets = [decodeURIComponent(url.password), url.password, ...sensitiveHeaders.map(([, value]) => value), ...sensitiveParams.map(([, value]) => value)].filter(Boolean);
  const headers = { ...check.headers };
  if (url.username || url.password) {
    headers.authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  const ready = { url, headers, display: redactUrl(url.href), secrets };
  prepared.set(check, ready);
  return ready;
}

function judge(check: HttpCheck, statusCode: number, latencyMs: number, body: string): Observation {
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
      problems.push({ status: 'fail', text: `body is not JSON (${parsed.error})` });
    } else {
      if (check.healthReport) {
        const report = readHealthReport(parsed.value);
        evidence.health = report.components;
        problems.push(...report.problems);
      }
      for (const a of check.assertions) {
        const actual = valueAt(parsed.value, a.path);
        if (actual !== a.equals) {
          problems.push({ status: a.onMismatch, text: `${a.path} is ${JSON.stringify(actual)} (expected ${JSON.stringify(a.equals)})` });
        }
      }
    }
  }

  const status = worst(...problems.map((p) => p.status));
  if (status !== 'ok') evidence.bodyExcerpt = body.slice(0, 500);
  return {
    status,
    summary: problems.length ? problems.map((p) => p.text).join('; ') : `HTTP ${statusCode} in ${latencyMs} ms`,
    observed: { statusCode, latencyMs, bodyBytes: Buffer.byteLength(body) },
    ...(Object.keys(evidence).length ? { evidence } : {}),
  };
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    return { ok: false, error: body.trim() === '' ? 'empty body' : (err as Error).message };
  }
}

/** `checks.database` → body.checks.database; undefined when any step is missing. */
export function valueAt(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}
