import { createServer, type Server } from 'node:net';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import type { Clock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import { silentLog } from '../../shared/log.js';
import type { Notification } from '../../shared/notifications/message.js';
import { startLocalRuntime } from '../local/runtime.js';
import { startHttpTarget } from '../local/servers.js';
import type { Io } from '../terminal/io.js';
import { formatNotification } from './notification.js';

const DEPENDENTS = 5;

/**
 * One cause, one page: the orders database and five API checks that depend on it. The database's port
 * closes and the API answers 503 with it; Vigil pages once, for the database, naming the five. When it
 * comes back, one resolution; the dependents resolve quietly.
 */
export async function runSharedCauseScene(clock: Clock & { advance(): void }, io: Io): Promise<{ deviations: string[] }> {
  let dbUp = false;
  const api = await startHttpTarget((_, res) => res.writeHead(dbUp ? 200 : 503).end());
  const port = await freePort();
  let db: Server | undefined;
  const config = parseConfig(
    {
      checks: [
        { id: 'orders-db', kind: 'tcp', target: `127.0.0.1:${port}`, severity: 'P1', tags: { service: 'orders' } },
        ...Array.from({ length: DEPENDENTS }, (_, i) => ({
          id: `orders-api-${i + 1}`,
          kind: 'http' as const,
          target: `http://127.0.0.1:${api.port}/orders/${i + 1}`,
          severity: 'P1' as const,
          dependsOn: ['orders-db'],
          tags: { service: 'orders' },
        })),
      ],
    },
    'demo shared-cause config',
  );
  const sent: Notification[] = [];
  const runtime = await startLocalRuntime({ config, clock, log: silentLog, onNotification: (_, n) => sent.push(n), state: 'memory' });
  const runChecks = createRunChecksHandler({ config, store: runtime.store, clock, log: silentLog });
  const deviations: string[] = [];
  const rounds = async (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance();
      const result = await runChecks({ checks: config.checks.map((c) => c.id) });
      if ('error' in result) throw new Error(result.error);
      const failing = result.findings.filter((f) => f.status !== 'ok').length;
      io.out(`   ${clock.now().toISOString().slice(11, 16)} round: ${failing} of ${result.findings.length} checks failing`);
    }
    const out = sent.splice(0);
    for (const n of out) io.out(formatNotification('alerts topic', n));
    return out.map((n) => n.subject);
  };
  try {
    io.out(`\n── one cause · the orders database goes down, and the ${DEPENDENTS} API checks that depend on it fail with it`);
    const outage = await rounds(2);
    if (outage.length !== 1 || !outage[0]!.startsWith(`[P1][OPEN] orders-db (+${DEPENDENTS} dependents)`))
      deviations.push(`the outage sent [${outage.join(' | ')}], expected one [OPEN] page for orders-db naming ${DEPENDENTS} dependents`);
    io.out('   the database is back');
    db = createServer((socket) => socket.end()).listen(port, '127.0.0.1');
    dbUp = true;
    const recovery = await rounds(2);
    if (recovery.length !== 1 || !recovery[0]!.startsWith('[P1][RESOLVED] orders-db'))
      deviations.push(`the recovery sent [${recovery.join(' | ')}], expected one [RESOLVED] for orders-db`);
    return { deviations };
  } finally {
    await Promise.all([api.close(), runtime.close(), new Promise((resolve) => (db ? db.close(resolve) : resolve(undefined)))]);
  }
}

/** A port nothing listens on, until the scene opens it. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
