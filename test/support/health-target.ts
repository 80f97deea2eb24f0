import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';

/** A /health endpoint on loopback for the test file's life: 200 while `healthy` (each test starts healthy), 503 when not. */
export function useHealthTarget(): { healthy: boolean; port: number } {
  const target = { healthy: true, port: 0 };
  let api: LocalTarget;
  beforeAll(async () => {
    api = await startHttpTarget((_, res) => res.writeHead(target.healthy ? 200 : 503).end(target.healthy ? '{"status":"ok"}' : '{"status":"down"}'));
    target.port = api.port;
  });
  afterAll(() => api.close());
  beforeEach(() => void (target.healthy = true));
  return target;
}

/** What a test opened (a local runtime), closed after it: `keep(opened)` returns it. */
export function closedAfterEach() {
  let open: { close(): Promise<unknown> } | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });
  return <T extends { close(): Promise<unknown> }>(opened: T): T => (open = opened);
}
