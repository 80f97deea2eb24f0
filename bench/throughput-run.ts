// One measured round in a fresh process (so its peak RSS is its own): N HTTP checks, every `hangEvery`th hanging (0: none).
import { parseConfig } from '../shared/config/load.js';
import { runChecks } from '../shared/engine/runner.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { probeRegistry } from '../shared/probes/index.js';

const [n, concurrency, latencyMs, timeoutMs, hangEvery = 10] = process.argv.slice(2).map(Number) as [number, number, number, number, number?];
// The targets run in a process of their own, as real servers would: answers /ok after `latencyMs`, never answers /hang.
const target = `require('http').createServer((q, s) => { if (q.url !== '/hang') setTimeout(() => s.end('ok'), ${latencyMs}); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
const server = spawn(process.execPath, ['-e', target], { stdio: ['ignore', 'pipe', 'inherit'] });
const [port] = (await once(server.stdout!, 'data')) as [Buffer];
const base = `http://127.0.0.1:${port.toString().trim()}`;
const config = parseConfig({
  defaults: { concurrency, timeoutMs },
  checks: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, kind: 'http', target: hangEvery > 0 && i % hangEvery === 0 ? `${base}/hang` : `${base}/ok` })),
});
const started = performance.now();
const findings = await runChecks(config.checks, { probes: probeRegistry, concurrency, defaultTimeoutMs: timeoutMs, aws: {} as never });
const wallMs = performance.now() - started;
server.kill();
const ok = findings.filter((f) => f.status === 'ok').length;
const reasons = [...new Set(findings.filter((f) => f.status !== "ok").map((f) => f.summary))].slice(0, 5);
const cpuMs = (process.cpuUsage().user + process.cpuUsage().system) / 1000;
console.log(JSON.stringify({ reasons, cpuMs, wallMs, ok, failed: findings.length - ok, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
process.exit(0);
