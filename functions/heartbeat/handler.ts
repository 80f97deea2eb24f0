import { createHash, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { reportInput, shortMessage, type HeartbeatsPort } from '../../shared/heartbeats/report.js';
import type { FunctionUrlRequest, FunctionUrlResponse } from '../../shared/events/function-url.js';
import type { Log } from '../../shared/log.js';
import { knownSecrets } from '../../shared/secrets/mask.js';

export interface HeartbeatDeps {
  config: VigilConfig;
  store: Pick<HeartbeatsPort, 'putHeartbeat'>;
  /** The heartbeat's token (from Secrets Manager, deployed). */
  tokenOf(checkId: string): Promise<string>;
  log: Log;
  clock?: Clock;
}

const answer = (statusCode: number, body: object): FunctionUrlResponse => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * Where a job reports in: `POST /<check id>` (or GET) with `Authorization: Bearer <token>`, and
 * optionally `status` (ok, fail) and `message`, in the query string or a JSON body. One write per report.
 */
export function createHeartbeatHandler({ config, store, tokenOf, log, clock = systemClock }: HeartbeatDeps) {
  const heartbeats = new Set(config.checks.filter((c) => c.kind === 'heartbeat').map((c) => c.id));
  return async (request: FunctionUrlRequest): Promise<FunctionUrlResponse> => {
    const method = request.requestContext?.http?.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST') return answer(405, { error: 'send GET or POST /<check id>' });
    const checkId = decodeURIComponent((request.rawPath ?? '/').replace(/^\/+|\/+$/g, ''));
    // The URL is public: which heartbeats exist is not told to a caller without a token.
    if (!heartbeats.has(checkId)) return answer(404, { error: `no heartbeat check "${checkId.slice(0, 100)}": send POST /<the heartbeat check's id>` });
    const given = /^Bearer\s+(\S+)$/i.exec(request.headers?.authorization ?? '')?.[1];
    if (!given || !sameToken(given, await tokenOf(checkId))) {
      log.warn('heartbeat refused: missing or wrong token', { checkId });
      return answer(401, { error: 'send the heartbeat\'s token as "Authorization: Bearer <token>"' });
    }
    let fields: unknown = { ...request.queryStringParameters };
    if (request.body) {
      try {
        fields = { ...(fields as object), ...JSON.parse(request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body) };
      } catch {
        return answer(400, { error: 'the body is not JSON: send {"status": "ok", "message": "…"}, or no body' });
      }
    }
    const { token: _token, ...rest } = fields as Record<string, unknown>;
    const parsed = reportInput.safeParse(rest);
    if (!parsed.success)
      return answer(400, { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'report'}: ${i.message}`).join('; '), example: { status: 'ok', message: 'backup finished, 12.4 GB' } });
    const message = shortMessage(parsed.data.message);
    const report = { at: clock.now().toISOString(), status: parsed.data.status, via: 'url' as const, ...(message ? { message } : {}) };
    await store.putHeartbeat(checkId, report);
    log.info('heartbeat', { checkId, status: report.status });
    return answer(200, { checkId, ...report });
  };
}

/** Compared in constant time, by digest so the lengths do not leak either. */
function sameToken(given: string, expected: string): boolean {
  knownSecrets.add(expected);
  const digest = (t: string) => createHash('sha256').update(t).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
