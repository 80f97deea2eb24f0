import { afterAll, beforeAll } from 'vitest';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';

/** A /health endpoint on loopback for the test file's life: 200 while `healthy`, 503 when not. */
export function useHealthTarget(): { healthy: boolean; port: number } {
  const target = { healthy: true, port: 0 };
  let api: LocalTarget;
  beforeAll(async () => {
    api = await startHttpTarget((_, res) => res.writeHead(target.healthy ? 200 : 503).end(target.healthy ? '{"status":"ok"}' : '{"status":"down"}'));
    target.port = api.port;
  });
  afterAll(() => api.close());
  return target;
}
