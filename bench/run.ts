// `npm run bench`: every benchmark, each against its baseline measured in the same run; writes bench/results.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { coldStart } from './cold-start.js';
import { atScale } from './scale.js';
import { parseConfig } from '../shared/config/load.js';
import { MAX_CHECKS_PER_INVOCATION } from '../shared/config/limits.js';
import { costModel, windowCost, type Invocation } from './cost.js';
import { statusPageSizes } from './status-page.js';
import { child, makespan, median, pass, percentile, round, type PathSample } from './stats.js';

const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

/** Vigil's engine and Debian's prometheus-blackbox-exporter on the same 1,000 loopback targets, at the same concurrency, taking turns. */
function peerSection(): string {
  const PEER = { checks: 1000, concurrency: 64, latencyMs: 20 };
  const installed = (() => {
    try {
      execFileSync('prometheus-blackbox-exporter', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!installed) return 'Not measured: `prometheus-blackbox-exporter` is not installed here (`apt install prometheus-blackbox-exporter`).';
  interface Side {
    wallMs: number;
    cpuMs: number;
    ok: number;
    idleRssMb: number;
    peakRssMb: number;
  }
  const measure = (mode: string) => {
    const run = child<Side>('./peer-run.ts', [mode, String(PEER.checks), String(PEER.concurrency), String(PEER.latencyMs)]);
    if (run.ok !== PEER.checks) throw new Error(`${mode}: ${run.ok} of ${PEER.checks} targets answered`);
    return run;
  };
  const pairs = Array.from({ length: REPEAT }, () => ({ vigil: measure('vigil'), blackbox: measure('blackbox') }));
  const row = (name: string, runs: Side[]) => {
    const cpu = median(runs.map((r) => r.cpuMs));
    return {
      name,
      wall: median(runs.map((r) => r.wallMs)),
      cpuPerCheck: cpu / PEER.checks,
      idle: median(runs.map((r) => r.idleRssMb)),
      peak: Math.max(...runs.map((r) => r.peakRssMb)),
    };
  };
  const vigil = row(
    'Vigil (the engine and its http probe, in one Node.js process)',
    pairs.map((p) => p.vigil),
  );
  const peer = row(
    'blackbox exporter (its own process; driven as Prometheus would, one /probe request per target)',
    pairs.map((p) => p.blackbox),
  );
  const version = execFileSync('prometheus-blackbox-exporter', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  return [
    `${PEER.checks.toLocaleString('en')} loopback HTTP targets (one server in its own process, each answering after ${PEER.latencyMs} ms), each probed once, ${PEER.concurrency} at a time, by Vigil's engine and by ${version}, taking turns, median of ${REPEAT} fresh processes each. CPU is the prober's own process: Vigil's, or the exporter's (from /proc, at its 10 ms resolution); the client that drives the exporter is Prometheus's part and is not counted. Memory is the process's resident set before the round (idle) and its peak.`,
    '',
    '| prober | wall | CPU per check | idle RSS | peak RSS |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...[vigil, peer].map((r) => `| ${r.name} | ${round(r.wall, 0)} ms | ${round(r.cpuPerCheck, 3)} ms | ${round(r.idle, 0)} MB | ${round(r.peak, 0)} MB |`),
    `| Vigil ÷ exporter | ${round(vigil.wall / peer.wall, 2)} | ${round(vigil.cpuPerCheck / peer.cpuPerCheck, 2)}: ${pass(vigil.cpuPerCheck <= peer.cpuPerCheck)} (target ≤ 1) | ${round(vigil.idle / peer.idle, 1)} | ${round(vigil.peak / peer.peak, 1)} |`,
    '',
    "Where the memory goes: Vigil's process is Node.js with the config validated and the engine, the probes and the SDK loaded before the round (its idle figure); the round itself adds the difference to its peak. The exporter is a Go binary that holds no config of checks: Prometheus does, and it is not counted here.",
  ].join('\n');
}
const sections: string[] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);

log('cold start: bundling and loading each function…');
const cold = await coldStart();
sections.push('## Cold start', '', cold.markdown);

log('engine throughput: 1,000 HTTP checks, 10% hanging…');
interface Throughput {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  ok: number;
}
const LATENCY = 20;
const TIMEOUT = 1000;
const CHECKS = 1000;
const durations = Array.from({ length: CHECKS }, (_, i) => (i % 10 === 0 ? TIMEOUT : LATENCY));
const throughputRows = [16, 64, 256].map((concurrency) => {
  const measure = (mode: string) => {
    const run = child<Throughput>('./throughput-run.ts', [mode, String(CHECKS), String(concurrency), String(LATENCY), String(TIMEOUT)]);
    // A round whose checks did not get their answers measured something else: stop rather than report it.
    if (run.ok !== durations.filter((d) => d === LATENCY).length)
      throw new Error(`${mode} at concurrency ${concurrency}: ${run.ok} of the answering checks passed`);
    return run;
  };
  // Vigil and the bare loop take turns, so a slower spell of the machine falls on both.
  const pairs = Array.from({ length: REPEAT }, () => ({ vigil: measure('vigil'), bare: measure('bare') }));
  const runs = pairs.map((p) => p.vigil);
  const bare = median(pairs.map((p) => p.bare.wallMs));
  const wall = median(runs.map((r) => r.wallMs));
  const bound = Math.ceil(CHECKS / concurrency) * LATENCY + TIMEOUT;
  const floor = makespan(durations, concurrency);
  const rss = Math.max(...runs.map((r) => r.peakRssMb));
  return `| ${concurrency} | ${round(wall, 0)} ms | ${bound} ms | ${round(wall / bound, 2)} | ${floor} ms | ${round(wall / floor, 2)} | ${round(bare, 0)} ms | ${round(wall / bare, 2)} | ${round(median(runs.map((r) => r.cpuMs)), 0)} ms | ${round(rss, 0)} MB | ${pass(wall <= 1.5 * bound && rss < 256)} |`;
});
sections.push(
  '## Engine throughput',
  '',
  `${CHECKS.toLocaleString('en')} HTTP checks against a loopback server in its own process, answering from raw TCP so it takes little of the CPU it shares with the client: 900 answer after ${LATENCY} ms, 100 (every tenth) never answer and time out at ${TIMEOUT} ms. Median of ${REPEAT} fresh processes each, Vigil and the bare client taking turns; peak RSS is the largest.`,
  '',
  "- **bound**: ceil(N / concurrency) × latency + timeout, the target's ideal.",
  '- **floor**: the best any engine can do while keeping at most `concurrency` checks in flight, at zero cost per check. Below a concurrency of 100, the hanging checks fill every slot for a whole timeout, more than once, so the bound is out of reach by construction.',
  '- **bare client**: the same requests sent by a bare `node:http` loop at the same concurrency, with no engine: what this 2-core machine allows, the loopback server sharing its cores.',
  '',
  '| concurrency | wall | bound | ratio | floor | wall / floor | bare client | wall / bare | CPU | peak RSS | target (≤ 1.5× bound, < 256 MB) |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ...throughputRows,
);

log('at scale: 100, 10,000 and 100,000 checks…');
sections.push('## At scale', '', await atScale(log));

log('side by side with a peer: the blackbox exporter…');
sections.push("## Side by side with Prometheus's blackbox exporter", '', peerSection());

log('planning 10,000 checks…');
interface Planning {
  cpuMs: number;
  peakRssMb: number;
  schedules: number;
  invocationsPerSecond: number;
}
const plans = Array.from({ length: REPEAT }, () => child<Planning>('./planning-run.ts', ['10000']));
const plan = { ...plans[0]!, cpuMs: median(plans.map((p) => p.cpuMs)), rss: Math.max(...plans.map((p) => p.peakRssMb)) };
// Little's law: concurrent executions = invocations per second × seconds each. An invocation's 50 checks
// run in waves of the default concurrency; a wave is bounded by the default 10 s timeout.
const defaults = parseConfig({ checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }] }).defaults;
const worstSeconds = Math.ceil(MAX_CHECKS_PER_INVOCATION / defaults.concurrency) * (defaults.timeoutMs / 1000);
sections.push(
  '## Planning 10,000 checks',
  '',
  `Loading and validating a config of 10,000 checks (http, tls, tcp, metric; 200 groups; 80% every minute) and planning its schedules, in a fresh process, median of ${REPEAT}.`,
  '',
  '| measure | value | target | met |',
  '| --- | ---: | --- | --- |',
  `| CPU | ${round(plan.cpuMs, 0)} ms | < 1 s | ${pass(plan.cpuMs < 1000)} |`,
  `| peak RSS | ${round(plan.rss, 0)} MB | < 256 MB | ${pass(plan.rss < 256)} |`,
  `| schedules (one per expression; the dispatch function starts each bucket of 50) | ${plan.schedules} | does not grow with the checks | ${pass(plan.schedules <= 10)} |`,
  `| run-checks invocations | ${round(plan.invocationsPerSecond, 1)} /s | < 1,000 /s | ${pass(plan.invocationsPerSecond < 1000)} |`,
  `| Lambda concurrency, worst case (every check of every invocation timing out: ${worstSeconds} s each) | ${round(plan.invocationsPerSecond * worstSeconds, 0)} | < 1,000 | ${pass(plan.invocationsPerSecond * worstSeconds < 1000)} |`,
);

log('rounds against the local DynamoDB: writes and metric series…');
interface RoundStats {
  writeRequests: number;
  writeItems: number;
  series: string[];
}
interface Rounds {
  n: number;
  first: RoundStats;
  steady: RoundStats;
  changed: RoundStats;
}
const big = child<Rounds>('./round-run.ts', ['10000']);
const few = child<Rounds>('./round-run.ts', ['10']);
const many = child<Rounds>('./round-run.ts', ['1000']);
const perCheck = (r: RoundStats) => r.writeItems / big.n;
sections.push(
  '## Writes per round',
  '',
  'A whole run-checks round of 10,000 TCP checks (handler, engine, incident state) against dynalite. Write items are counted by a middleware on the DynamoDB client; every item Vigil writes is under 1 KB, so an item is one write unit.',
  '',
  '| round | write requests | write units | per check | target (≤ 0.1 per check) |',
  '| --- | ---: | ---: | ---: | --- |',
  `| first ever (every check's state is new) | ${big.first.writeRequests} | ${big.first.writeItems} | ${round(perCheck(big.first), 3)} | (once per check, not per round) |`,
  `| none changes state | ${big.steady.writeRequests} | ${big.steady.writeItems} | ${round(perCheck(big.steady), 3)} | ${pass(perCheck(big.steady) <= 0.1)} |`,
  `| 1% change state | ${big.changed.writeRequests} | ${big.changed.writeItems} | ${round(perCheck(big.changed), 3)} | ${pass(perCheck(big.changed) <= 0.1)} |`,
);
const seriesOf = (r: Rounds) => new Set([...r.first.series, ...r.steady.series, ...r.changed.series]);
sections.push(
  '## Metric cardinality',
  '',
  'Distinct CloudWatch metric series (namespace, name, dimensions and their values) in the EMF output of three rounds (first, steady, 1% failing).',
  '',
  '| checks | series | target (same count, ≤ 10) |',
  '| ---: | ---: | --- |',
  `| 10 | ${seriesOf(few).size} | |`,
  `| 1,000 | ${seriesOf(many).size} | ${pass(seriesOf(few).size === seriesOf(many).size && seriesOf(many).size <= 10)} |`,
  '',
  `Series: ${[...seriesOf(many)].map((s) => `\`${s}\``).join(', ')}.`,
);

log('one cause: a database and the checks that depend on it, failing together…');
interface SharedCause {
  pages: number;
  runbooksStarted: number;
  steadyStateWrites: number;
}
const causeRows = [10, 100, 1000].map((n) => {
  const [alone, grouped, declared] = (['none', 'group', 'dependsOn'] as const).map((mode) => child<SharedCause>('./shared-cause-run.ts', [String(n), mode]));
  const met = [grouped!, declared!].every((r) => r.pages === 1 && r.runbooksStarted === 0 && r.steadyStateWrites === 0);
  const cells = [alone!, grouped!, declared!].map((r) => `${r.pages} | ${r.runbooksStarted}`).join(' | ');
  return `| ${n.toLocaleString('en')} | ${cells} | ${declared!.steadyStateWrites} | ${pass(met)} |`;
});
sections.push(
  '## One cause, one page',
  '',
  "A database (a TCP check) and N checks of the service behind it fail together, through whole run-checks rounds (in the schedules' parts of 50) against dynalite, the local stream feeding notify and the reader that starts check runbooks. Each dependent's service has a runbook that acts on its own target when its check fails. Two rounds open the outage; a third, steady, is measured for writes (a failing finding is kept in the history every round, one item each: those are not counted). Each check on its own (`incidents.grouping.windowMinutes: 0`, no `dependsOn`), every check pages and starts its fix; grouped (their `group`, the default), the first to open pages once and names the others; with `dependsOn` as well, the database pages once and names them as its dependents. Each on its own, so many failing at once engage the brake: its one page is counted, and it holds the actions of the runbooks that start.",
  '',
  '| dependents | pages, each on its own | per-target runbooks started | pages, grouped | runbooks started | pages, with `dependsOn` | runbooks started | state writes of a steady round | target (grouped and with `dependsOn`: 1 page, 0 runbooks, 0 writes) |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ...causeRows,
);

log('status page: the files notify writes…');
sections.push('', statusPageSizes(), '');

log('alarm to action: on-alarm handler to the ECS UpdateService call…');
const ALARM_RUNS = 500;
const alarm = child<{ samples: PathSample[] }>('./alarm-run.ts', ['50', String(ALARM_RUNS)]).samples;
sections.push(
  '## Alarm to action',
  '',
  `A recorded "CloudWatch Alarm State Change" event (events/alarm-metric.json) enters the on-alarm handler; the clock stops when the ECS UpdateService call is made (a mock that answers at once). On the way: the run record, the incident, the guard's lock, the timeline, all against dynalite. The runbook acts first (\`act\`, then \`escalate\`); each event names its own service, so no cooldown holds one back. ${ALARM_RUNS} warm events after 50 to warm up, in one process.`,
  '',
  "- **Vigil's own time**: the path minus the time with a DynamoDB request in flight (overlapping requests count once).",
  '- **round trips**: DynamoDB requests the path waited for, one after another; requests sent alongside others count once. **requests** counts every request sent before the call.',
  '',
  ...pathTable(alarm, 'event', 5, '≤ 5: the run, the guard read, the incident, the brake, the lease'),
);

log('check transition to action: the stream record of an opened incident to the ECS UpdateService call…');
const fromCheck = child<{ samples: PathSample[] }>('./alarm-run.ts', ['50', String(ALARM_RUNS), 'check']).samples;
sections.push(
  '',
  '## Check transition to action',
  '',
  `The same, for a runbook a check starts: the state table's stream record of a check's incident opening (its state already written, as run-checks writes it) enters the on-alarm handler; the clock stops at the ECS UpdateService call. On the way: the run record, the guard and kill switch read with the incident, the guard's lock. ${ALARM_RUNS} warm records after 50, in one process.`,
  '',
  ...pathTable(fromCheck, 'record', 4, '≤ 4: the run, the guard read with the incident, the brake, the lease'),
);

log('one invocation as deployed, for the cost model…');
const invocations = [20, 200].map((latencyMs) => ({ latencyMs, ...child<Invocation>('./invocation-run.ts', [String(latencyMs), '3', '15']) }));
// The same bucket with 10 of its 50 checks judged over a window of 100 rounds: what a trend costs a steady round.
const windowed = { latencyMs: 20, ...child<Invocation>('./invocation-run.ts', ['20', '3', '15', '10']) };
sections.push('## Cost', '', costModel(invocations, seriesOf(many).size), '', windowCost(invocations[0]!, windowed, 10));

const header = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}. Every figure is a median over repeated fresh processes, set against a baseline measured in the same run. A **no** is a target not met, kept here as measured.`,
  '',
];
// A section starts after a blank line, or markdown runs it into the table above.
writeFileSync(new URL('./results.md', import.meta.url), `${[...header, ...sections].join('\n').replaceAll('\n## ', '\n\n## ')}\n`);
log('wrote bench/results.md');

/** One path to an action, as a table: Vigil's own time, the waiting apart, and the DynamoDB round trips on the way. */
function pathTable(samples: PathSample[], from: string, maxTrips: number, tripsTarget: string): string[] {
  const p = (xs: number[], q: number) => `${round(percentile(xs, q), 1)} ms`;
  const own = samples.map((a) => a.totalMs - a.waitingMs);
  const trips = Math.max(...samples.map((a) => a.roundTrips));
  return [
    '| measure | p50 | p99 | target | met |',
    '| --- | ---: | ---: | --- | --- |',
    `| Vigil's own time | ${p(own, 50)} | ${p(own, 99)} | p99 < 20 ms | ${pass(percentile(own, 99) < 20)} |`,
    `| waiting on the local DynamoDB | ${p(
      samples.map((a) => a.waitingMs),
      50,
    )} | ${p(
      samples.map((a) => a.waitingMs),
      99,
    )} | (reported apart) | |`,
    `| ${from} to UpdateService, in all | ${p(
      samples.map((a) => a.totalMs),
      50,
    )} | ${p(
      samples.map((a) => a.totalMs),
      99,
    )} | | |`,
    `| round trips | ${median(samples.map((a) => a.roundTrips))} | ${trips} | ${tripsTarget} | ${pass(trips <= maxTrips)} |`,
    `| requests | ${median(samples.map((a) => a.requests))} | ${Math.max(...samples.map((a) => a.requests))} | | |`,
  ];
}
