import { join, resolve } from 'node:path';
import { createRunChecksHandler, type FindingLine } from '../../functions/run-checks/handler.js';
import type { Clock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import type { Status } from '../../shared/findings.js';
import type { TransitionKind } from '../../shared/state/check-state.js';
import { sleep } from '../terminal/duration.js';
import { statusLabel, type Io } from '../terminal/io.js';
import { findingsTable } from '../terminal/table.js';
import { silentLog, type Log } from '../../shared/log.js';
import type { Notification } from '../../shared/notifications/message.js';
import { startLocalRuntime } from '../local/runtime.js';
import { runAlarmScene } from './alarm-scene.js';
import { runHeartbeatScene } from './heartbeat-scene.js';
import { runPostgresScene } from './postgres-scene.js';
import { runSharedCauseScene } from './shared-cause-scene.js';
import { formatNotification } from './notification.js';
import { DEMO_CERT_DAYS, DEMO_HOSTNAME, startDemoTargets, type ApiHealth, type DemoTargets } from './targets.js';

interface Step {
  /** What happens to the world before this round runs. */
  event?: string;
  health: ApiHealth;
  /** What api-health must show, and the incident transition it must cause: the demo checks its own story. */
  expect: Status;
  transition?: TransitionKind;
}

const STORY: Step[] = [
  { event: 'all healthy', health: 'healthy', expect: 'ok' },
  { health: 'healthy', expect: 'ok' },
  { event: "fault injected: the API's database goes down (/health answers 503, checks.database unhealthy)", health: 'database-down', expect: 'fail' },
  { health: 'database-down', expect: 'fail', transition: 'opened' },
  { health: 'database-down', expect: 'fail', transition: 'updated' },
  { health: 'database-down', expect: 'fail', transition: 'repeated' },
  { health: 'database-down', expect: 'fail', transition: 'escalated' },
  { event: 'database back, cache degraded (/health answers 200, status degraded)', health: 'cache-degraded', expect: 'warn' },
  { event: 'recovered', health: 'healthy', expect: 'ok', transition: 'resolved' },
  { health: 'healthy', expect: 'ok' },
];

const MINUTE_MS = 60_000;

export interface DemoOptions {
  intervalMs: number;
  io: Io;
  signal: AbortSignal;
}

/** The sample catalog's network checks, pointed at the local demo targets, with demo-sized incident times. */
export function demoConfig(t: DemoTargets, start = new Date()): VigilConfig {
  const inTwoDays = (hours: number) => new Date(start.getTime() + (48 + hours) * 3_600_000).toISOString();
  return parseConfig(
    {
      statusPage: {
        title: 'Demo shop status',
        components: [
          { id: 'api', name: 'Orders API', checks: ['api-health', 'api-certificate', 'api-dns'] },
          { id: 'database', name: 'Orders database', checks: ['orders-db-port'] },
        ],
      },
      // Planned work the status page announces; it starts after the demo ends, so it holds nothing here.
      silences: [
        {
          id: 'db-upgrade',
          reason: 'Database upgrade to PostgreSQL 16',
          checks: ['orders-db-port'],
          from: inTwoDays(0),
          until: inTwoDays(2),
          maintenance: true,
        },
      ],
      defaults: { timeoutMs: 2_000, concurrency: 4 },
      checks: [
        {
          id: 'api-health',
          kind: 'http',
          target: `http://${t.api.host}:${t.api.port}/health`,
          schedule: 'rate(1 minute)',
          severity: 'P1',
          tags: { service: 'api' },
          healthReport: true,
          assertions: [{ path: 'checks.cache', equals: 'healthy', onMismatch: 'warn' }],
          // P1 answers within 15 minutes and updates stakeholders every 15 in production; the demo has ten minutes in all.
          incident: { respondMinutes: 3, repeatMinutes: 2, maxRepeats: 1, updateMinutes: 1 },
          runbook: 'Unhealthy database: check the connection pool and the orders-db-port check.',
        },
        { id: 'api-certificate', kind: 'tls', target: `${t.tls.host}:${t.tls.port}`, ca: t.tls.ca, schedule: 'rate(6 hours)', severity: 'P2' },
        {
          id: 'api-dns',
          kind: 'dns',
          target: DEMO_HOSTNAME,
          server: `${t.dns.host}:${t.dns.port}`,
          expect: ['127.0.0.1'],
          schedule: 'rate(5 minutes)',
          severity: 'P2',
        },
        { id: 'orders-db-port', kind: 'tcp', target: `${t.db.host}:${t.db.port}`, schedule: 'rate(1 minute)', severity: 'P1' },
      ],
    },
    'demo config',
  );
}

/** `npm start`: local targets and state, a minute of schedule per round, a fault, its incident, and recovery. */
export async function runDemo({ intervalMs, io, signal }: DemoOptions): Promise<number> {
  const start = new Date();
  let minute = 0;
  // Each round is one minute of schedule, so reminders and escalation happen within the demo.
  const clock: Clock = { now: () => new Date(start.getTime() + minute * MINUTE_MS) };
  const targets = await startDemoTargets(start);
  const sent: { topic: string; n: Notification }[] = [];
  const config = demoConfig(targets, start);
  const statusPage = resolve('.vigil', 'status-page');
  const log = errorsTo(io);
  const runtime = await startLocalRuntime({ config, clock, log, statusPage, onNotification: (topic, n) => sent.push({ topic, n }) }).catch(async (err) => {
    await targets.close();
    throw err;
  });
  try {
    const runChecks = createRunChecksHandler({ config, log, clock, store: runtime.store });
    introduce(targets, intervalMs, io);
    let previous: FindingLine[] = [];
    const deviations: string[] = [];
    for (const [i, step] of STORY.entries()) {
      if (signal.aborted) return stopped(io);
      minute = i;
      targets.setApiHealth(step.health);
      const result = await runChecks({ checks: config.checks.map((c) => c.id) });
      if ('error' in result) throw new Error(result.error);
      const { findings, incidents } = result;
      io.out(`\n── round ${i + 1} · ${clock.now().toISOString().slice(11, 16)} (simulated)${step.event ? ` · ${step.event}` : ''}`);
      io.out(findingsTable(findings, io.color));
      for (const change of changes(previous, findings)) io.out(change(io.color));
      for (const t of incidents?.transitions ?? []) io.out(`   incident ${t.incidentId}: ${t.kind}${t.reason ? ` (${t.reason})` : ''}`);
      for (const { topic, n } of sent.splice(0)) io.out(formatNotification(topic, n));
      io.out(`   state writes this round: ${incidents?.stateWrites ?? 0}`);

      const health = findings.find((f) => f.checkId === 'api-health')!;
      const kinds = (incidents?.transitions ?? []).map((t) => t.kind);
      if (health.status !== step.expect) deviations.push(`round ${i + 1}: api-health was ${health.status}, expected ${step.expect}`);
      if (kinds.join() !== (step.transition ?? '')) deviations.push(`round ${i + 1}: transitions [${kinds.join(', ')}], expected [${step.transition ?? ''}]`);
      previous = findings;
      if (i < STORY.length - 1) await sleep(intervalMs, signal);
    }
    if (signal.aborted) return stopped(io);
    minute += 1;
    const scene = await runAlarmScene(runtime, clock, io);
    for (const { topic, n } of sent.splice(0)) io.out(formatNotification(topic, n));
    if (scene.result.verdict !== 'observed' || scene.updates !== 0)
      deviations.push(`alarm: verdict ${scene.result.verdict} with ${scene.updates} ECS changes, expected a dry run (observed, 0)`);
    if (signal.aborted) return stopped(io);
    const database = await runPostgresScene(runtime, { now: clock.now, advance: () => void (minute += 1) }, io);
    for (const { topic, n } of sent.splice(0)) io.out(formatNotification(topic, n));
    if ('deviations' in database) deviations.push(...database.deviations.map((d) => `database: ${d}`));
    if (signal.aborted) return stopped(io);
    const sharedCause = await runSharedCauseScene({ now: clock.now, advance: () => void (minute += 1) }, io);
    deviations.push(...sharedCause.deviations.map((d) => `shared cause: ${d}`));
    if (signal.aborted) return stopped(io);
    const heartbeat = await runHeartbeatScene(runtime, { now: clock.now, advance: (minutes = 1) => void (minute += minutes) }, io);
    for (const { topic, n } of sent.splice(0)) io.out(formatNotification(topic, n));
    deviations.push(...heartbeat.deviations.map((d) => `heartbeat: ${d}`));
    if (deviations.length) {
      io.err(`\nThe demo did not go as expected:\n${deviations.map((d) => `  - ${d}`).join('\n')}`);
      return 1;
    }
    io.out('\nDone: the fault opened one incident, which updated stakeholders, reminded, escalated and resolved itself on recovery;');
    io.out('the alarm ran its runbook as a dry run and changed nothing;');
    io.out(
      `${'skipped' in database ? `the database scene was skipped (${database.skipped})` : "the leaked transaction was found, and its incident's runbook terminated it, verified it gone and the next round resolved it, unattended"}. Targets, PostgreSQL and local DynamoDB stopped.`,
    );
    io.out('The database behind five checks went down: one page named them all, and one resolution followed.');
    io.out('The nightly job reported in, went missing past its grace (an incident opened) and came back (it resolved).');
    io.out(`The status page, as stakeholders read it (written on each change): ${join(statusPage, 'index.html')}, with summary.json and feed.atom beside it.`);
    io.out('Next: `vigil run --config vigil.config.ts` against your own targets (see README).');
    return 0;
  } finally {
    await Promise.all([targets.close(), runtime.close()]);
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
  io.out('Vigil demo: local targets, the sample checks, one injected fault. Everything stays on this machine:');
  io.out('incident state in a local DynamoDB (dynalite), notifications printed as SNS would send them.');
  for (const [id, target, what] of rows) io.out(`  ${id!.padEnd(16)} ${target!.padEnd(width)}  ${what}`);
  io.out(`Each round is one scheduled minute, ${intervalMs / 1000} s apart. Ctrl-C stops it.`);
}

function changes(previous: FindingLine[], current: FindingLine[]): ((color: boolean) => string)[] {
  return current.flatMap((f) => {
    const before = previous.find((p) => p.checkId === f.checkId);
    if (!before || before.status === f.status) return [];
    return [(color: boolean) => `   changed: ${f.checkId} ${statusLabel(before.status, color)} → ${statusLabel(f.status, color)}`];
  });
}

/** The demo prints its own story; only errors from the handlers reach the terminal. */
function errorsTo(io: Io): Log {
  return { ...silentLog, error: (message, ...extra) => io.err(`error: ${message} ${extra.length ? JSON.stringify(extra) : ''}`) };
}

function stopped(io: Io): number {
  io.out('\nStopped; targets and local DynamoDB closed.');
  return 130;
}
