import { parseConfig } from '../config/load.js';
import type { VigilConfig } from '../config/schema.js';
import { runSelection } from '../engine/index.js';
import type { Finding, Status } from '../findings.js';
import { sleep } from '../cli/duration.js';
import { statusLabel, type Io } from '../cli/io.js';
import { findingsTable } from '../cli/table.js';
import { DEMO_CERT_DAYS, DEMO_HOSTNAME, startDemoTargets, type ApiHealth, type DemoTargets } from './targets.js';

interface Step {
  /** What happens to the world before this round runs; undefined: nothing changes. */
  event?: string;
  health: ApiHealth;
  /** What api-health must show; the demo checks its own story. */
  expect: Status;
}

const STORY: Step[] = [
  { event: 'all healthy', health: 'healthy', expect: 'ok' },
  { health: 'healthy', expect: 'ok' },
  { event: "fault injected: the API's database goes down (/health answers 503, checks.database unhealthy)", health: 'database-down', expect: 'fail' },
  { health: 'database-down', expect: 'fail' },
  { event: 'database back, cache degraded (/health answers 200, status degraded)', health: 'cache-degraded', expect: 'warn' },
  { event: 'recovered', health: 'healthy', expect: 'ok' },
  { health: 'healthy', expect: 'ok' },
];

export interface DemoOptions {
  intervalMs: number;
  io: Io;
  signal: AbortSignal;
}

/** The sample catalog's network checks, pointed at the local demo targets. */
export function demoConfig(t: DemoTargets): VigilConfig {
  return parseConfig(
    {
      defaults: { timeoutMs: 2_000, concurrency: 4 },
      checks: [
        { id: 'api-health', kind: 'http', target: `http://${t.api.host}:${t.api.port}/health`, schedule: 'rate(1 minute)', severity: 'P1', healthReport: true, assertions: [{ path: 'checks.cache', equals: 'healthy', onMismatch: 'warn' }] },
        { id: 'api-certificate', kind: 'tls', target: `${t.tls.host}:${t.tls.port}`, ca: t.tls.ca, schedule: 'rate(6 hours)', severity: 'P2' },
        { id: 'api-dns', kind: 'dns', target: DEMO_HOSTNAME, server: `${t.dns.host}:${t.dns.port}`, expect: ['127.0.0.1'], schedule: 'rate(5 minutes)', severity: 'P2' },
        { id: 'orders-db-port', kind: 'tcp', target: `${t.db.host}:${t.db.port}`, schedule: 'rate(1 minute)', severity: 'P1' },
      ],
    },
    'demo config',
  );
}

/** `npm start`: local targets, scheduled rounds of the sample checks, a fault injected and recovered. */
export async function runDemo({ intervalMs, io, signal }: DemoOptions): Promise<number> {
  const targets = await startDemoTargets(new Date());
  try {
    const config = demoConfig(targets);
    introduce(targets, intervalMs, io);
    let previous: Finding[] = [];
    const deviations: string[] = [];
    for (const [i, step] of STORY.entries()) {
      if (signal.aborted) return stopped(io);
      targets.setApiHealth(step.health);
      const findings = await runSelection(config, {});
      io.out(`\n── round ${i + 1} · ${new Date().toISOString().slice(11, 19)}${step.event ? ` · ${step.event}` : ''}`);
      io.out(findingsTable(findings, io.color));
      for (const change of changes(previous, findings)) io.out(change(io.color));
      const health = findings.find((f) => f.checkId === 'api-health')!;
      if (health.status !== step.expect) deviations.push(`round ${i + 1}: api-health was ${health.status}, expected ${step.expect}`);
      previous = findings;
      if (i < STORY.length - 1) await sleep(intervalMs, signal);
    }
    if (signal.aborted) return stopped(io);
    if (deviations.length) {
      io.err(`\nThe demo did not go as expected:\n${deviations.map((d) => `  - ${d}`).join('\n')}`);
      return 1;
    }
    io.out('\nDone: the fault was seen in the round it began, the recovery in the round it ended. Targets stopped.');
    io.out('Next: `vigil run --config vigil.config.ts` against your own targets (see README).');
    return 0;
  } finally {
    await targets.close();
  }
}

function introduce(t: DemoTargets, intervalMs: number, io: Io) {
  const rows = [
    ['api-health', `http://${t.api.host}:${t.api.port}/health`, 'an API reporting its database and cache'],
    ['api-certificate', `${t.tls.host}:${t.tls.port}`, `TLS from a throwaway CA; the certificate lasts ${DEMO_CERT_DAYS} days`],
    ['api-dns', `${DEMO_HOSTNAME} via ${t.dns.host}:${t.dns.port}`, 'a DNS server that answers for the API name'],
    ['orders-db-port', `${t.db.host}:${t.db.port}`, 'a port standing in for PostgreSQL'],
  ];
  const width = Math.max(...rows.map((r) => r[1]!.length));
  io.out('Vigil demo: local targets, the sample checks, one injected fault. Everything stays on loopback.');
  for (const [id, target, what] of rows) io.out(`  ${id!.padEnd(16)} ${target!.padEnd(width)}  ${what}`);
  io.out(`Each round is one scheduled run of every check, ${intervalMs / 1000} s apart. Ctrl-C stops it.`);
}

function changes(previous: Finding[], current: Finding[]): ((color: boolean) => string)[] {
  return current.flatMap((f) => {
    const before = previous.find((p) => p.checkId === f.checkId);
    if (!before || before.status === f.status) return [];
    return [(color: boolean) => `   changed: ${f.checkId} ${statusLabel(before.status, color)} → ${statusLabel(f.status, color)}`];
  });
}

function stopped(io: Io): number {
  io.out('\nStopped; targets closed.');
  return 130;
}
