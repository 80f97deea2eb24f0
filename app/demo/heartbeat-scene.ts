import { randomBytes } from 'node:crypto';
import { createHeartbeatHandler } from '../../functions/heartbeat/handler.js';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import type { Io } from '../terminal/io.js';
import type { Clock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import { serveFunctionUrl } from '../local/function-url.js';
import type { LocalRuntime } from '../local/runtime.js';
import { silentLog } from '../../shared/log.js';

/**
 * A nightly job that reports in, then goes missing: it posts to the heartbeat endpoint (the function
 * URL, served locally), the schedule reads its report, and once it is late past its grace the check
 * fails and its incident opens. When the job reports again, the incident resolves.
 */
export async function runHeartbeatScene(runtime: LocalRuntime, clock: Clock & { advance(minutes?: number): void }, io: Io): Promise<{ deviations: string[] }> {
  // Demo-sized: a job every 3 minutes, 1 minute of grace. The sample's nightly backup is 24 h and 2 h.
  const config = parseConfig(
    {
      checks: [
        {
          id: 'nightly-backup',
          kind: 'heartbeat',
          target: 'the nightly backup job',
          periodMinutes: 3,
          graceMinutes: 1,
          severity: 'P2',
          incident: { failureThreshold: 1 },
        },
      ],
    },
    'demo heartbeat config',
  );
  const token = randomBytes(20).toString('hex');
  const endpoint = await serveFunctionUrl(createHeartbeatHandler({ config, store: runtime.store, tokenOf: async () => token, log: silentLog, clock }));
  const runChecks = createRunChecksHandler({ config, store: runtime.store, clock, log: silentLog });
  const deviations: string[] = [];
  const url = `http://${endpoint.host}:${endpoint.port}/nightly-backup`;
  const jobReports = async (message: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'ok', message }),
    });
    io.out(`   the job reports in: POST ${url} → ${res.status}`);
    if (res.status !== 200) deviations.push(`the heartbeat endpoint answered ${res.status}`);
  };
  const round = async (expect: string, transition?: string) => {
    const result = await runChecks({ checks: ['nightly-backup'] });
    if ('error' in result) throw new Error(result.error);
    const [f] = result.findings;
    const kinds = result.incidents?.transitions.map((t) => t.kind) ?? [];
    io.out(`   ${clock.now().toISOString().slice(11, 16)} check: ${f!.status} · ${f!.summary}${kinds.length ? ` · incident ${kinds.join(', ')}` : ''}`);
    if (f!.status !== expect) deviations.push(`nightly-backup was ${f!.status} at ${clock.now().toISOString()}, expected ${expect}`);
    if (kinds.join() !== (transition ?? '')) deviations.push(`nightly-backup transitions [${kinds.join(', ')}], expected [${transition ?? ''}]`);
  };
  try {
    io.out('\n── heartbeat · a job that must report every 3 minutes (1 minute grace) to a local function URL');
    await jobReports('backup finished, 12.4 GB');
    await round('ok');
    clock.advance(2);
    await round('ok');
    io.out('   … the job stops reporting (its host went down)');
    clock.advance(3);
    await round('fail', 'opened');
    clock.advance(1);
    await jobReports('backup finished after the host came back');
    await round('ok');
    clock.advance(1);
    await round('ok', 'resolved');
    return { deviations };
  } finally {
    await endpoint.close();
  }
}
