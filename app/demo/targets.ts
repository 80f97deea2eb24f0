import { daysFrom, issueCertificate } from '../local/certificates.js';
import { startDnsServer, startHttpsTarget, startHttpTarget, startTcpTarget, type LocalTarget } from '../local/servers.js';

export type ApiHealth = 'healthy' | 'database-down' | 'cache-degraded';

const HEALTH: Record<ApiHealth, { code: number; body: object }> = {
  healthy: { code: 200, body: { status: 'healthy', checks: { database: 'healthy', cache: 'healthy' } } },
  'database-down': { code: 503, body: { status: 'unhealthy', checks: { database: 'unhealthy', cache: 'healthy' } } },
  'cache-degraded': { code: 200, body: { status: 'degraded', checks: { database: 'healthy', cache: 'degraded' } } },
};

export const DEMO_HOSTNAME = 'api.vigil.test';
export const DEMO_CERT_DAYS = 12;

/** The small world the demo watches: an API, its TLS endpoint, its DNS name and its database port. */
export interface DemoTargets {
  api: LocalTarget;
  tls: LocalTarget & { ca: string };
  dns: LocalTarget;
  db: LocalTarget;
  setApiHealth(state: ApiHealth): void;
  close(): Promise<void>;
}

export async function startDemoTargets(now: Date): Promise<DemoTargets> {
  let health: ApiHealth = 'healthy';
  const started: LocalTarget[] = [];
  const track = async <T extends LocalTarget>(target: Promise<T>) => {
    const t = await target;
    started.push(t);
    return t;
  };
  try {
    const api = await track(
      startHttpTarget((req, res) => {
        if (req.url !== '/health') return void res.writeHead(404).end();
        const { code, body } = HEALTH[health];
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }),
    );
    const cert = await issueCertificate({ notBefore: daysFrom(now, -1), notAfter: daysFrom(now, DEMO_CERT_DAYS + 0.5) });
    const tls = await track(startHttpsTarget(cert, (_, res) => res.end('ok')));
    const dns = await track(startDnsServer({ [DEMO_HOSTNAME]: { A: ['127.0.0.1'] } }));
    const db = await track(startTcpTarget());
    return {
      api,
      tls: { ...tls, ca: cert.ca },
      dns,
      db,
      setApiHealth: (state) => {
        health = state;
      },
      close: async () => {
        await Promise.all(started.map((t) => t.close()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((t) => t.close()));
    throw err;
  }
}
