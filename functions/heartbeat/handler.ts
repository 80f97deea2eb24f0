import { createHash, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { reportInput, shortMessage } from '../../shared/heartbeats/report.js';
import type { Heartbeats } from '../../shared/state/heartbeat.js';
import type { FunctionUrlRequest, FunctionUrlResponse } from '../../shared/events/function-url.js';
import type { Log } from '../../shared/log.js';
import { knownSecrets } from '../../shared/secrets/mask.js';

export interface HeartbeatDeps {
  config: VigilConfig;
  store: Pick<Heartbeats, 'putHeartbeat'>;
  /** The heartbeat's token (from Secrets Manager, deployed). */
  tokenOf(checkId: string): Promise<string>;
  log: Log;
  clock?: Clock;
}

const answer = (statusCode: number, body: object): FunctionUrlResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * Where a job reports in: `POST /<check id>` (or GET) with `Authorization: Bearer <token>`, and
 * optionally `status` (ok, fail) and `message`, in the query string or a JSON body. One write per report.
 */
export function createHeartbeatHandler({ config, store, tokenOf, log, clock = systemClock }: HeartbeatDeps) {
  const heartbeats = new Set(config.checks.filter((c) => c.kind === 'heartbeat').map((c) => c.id));
  return async (request: FunctionUrlRequest): Promise<FunctionUrlResponse> => {
    const method = request.requestContext?.http?.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST') return answer(405, { error: 'send GET or POST /<check id>' });
    const checkId = pathId(request.rawPath);
    if (checkId === undefined)
      return answer(400, { error: "the path is not a valid URL path (a malformed percent-escape): send POST /<the heartbeat check's id>" });
    // The URL is public: an unknown heartbeat and a wrong token get one answer, so a caller without a
    // token learns nothing of which heartbeats exist.
    const given = /^Bearer\s+(\S+)$/i.exec(request.headers?.authorization ?? '')?.[1];
    if (!heartbeats.has(checkId) || !given || !sameToken(given, await tokenOf(checkId))) {
      log.warn('heartbeat refused: unknown heartbeat, or a missing or wrong token', { checkId: checkId.slice(0, 100) });
      return answer(401, { error: 'send POST /<the heartbeat check\'s id> with its token as "Authorization: Bearer <token>"' });
    }
    let fields: Record<string, unknown> = { ...request.queryStringParameters };
    if (request.body) {
      let body: unknown;
      try {
        body = JSON.parse(request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body);
      } catch {
        return answer(400, { error: REPORT_SHAPE });
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) return answer(400, { error: REPORT_SHAPE });
      fields = { ...fields, ...(body as Record<string, unknown>) };
    }
    const { token: _token, ...rest } = fields;
    const parsed = reportInput.safeParse(rest);
    if (!parsed.success)
      return answer(400, {
        error: parsed.error.issues.map((i) => `${i.path.join('.') || 'report'}: ${i.message}`).join('; '),
        example: { status: 'ok', message: 'backup finished, 12.4 GB' },
      });
    const message = shortMessage(parsed.data.message);
    const report = { at: clock.now().toISOString(), status: parsed.data.status, via: 'url' as const, ...(message ? { message } : {}) };
    await store.putHeartbeat(checkId, report);
    log.info('heartbeat', { checkId, status: report.status });
    return answer(200, { checkId, ...report });
  };
}

const REPORT_SHAPE = 'the body must be a JSON object, e.g. {"status": "ok", "message": "backup finished"}, or empty';

/** The check id the path names, or undefined when the path does not decode (a malformed percent-escape). */
function pathId(rawPath: string | undefined): string | undefined {
  try {
    return decodeURIComponent((rawPath ?? '/').replace(/^\/+|\/+$/g, ''));
  } catch {
    return undefined;
  }
}

/** Compared in constant time, by digest so the lengths do not leak either. */
function sameToken(given: string, expected: string): boolean {
  knownSecrets.add(expected);
  const digest = (t: string) => createHash('sha256').update(t).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
