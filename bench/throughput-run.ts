// One measured round in a fresh process (so its peak RSS is its own): N HTTP checks, every 10th hanging.
// `vigil` runs them through the engine and the http probe; `bare` sends the same requests with a bare
// node:http loop at the same concurrency, the floor this machine sets for any engine.
import http from 'node:http';
import pLimit from 'p-limit';
import { parseConfig } from '../shared/config/load.js';
import { runChecks } from '../shared/engine/runner.js';
import { probeRegistry } from '../shared/probes/index.js';
import { startSlowTarget } from './target.js';

const [mode, ...numbers] = process.argv.slice(2);
const [n, concurrency, latencyMs, timeoutMs] = numbers.map(Number) as [number, number, number, number];
const { base, stop } = await startSlowTarget(latencyMs);
const targets = Array.from({ length: n }, (_, i) => (i % 10 === 0 ? `${base}/hang` : `${base}/ok`));

// Validating the config is not part of the round: planning measures it.
const round = mode === 'bare' ? bare : vigil();
const cpuBefore = process.cpuUsage();
const started = performance.now();
const ok = await round();
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
stop();
console.log(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, ok, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
process.exit(0);

function vigil(): () => Promise<number> {
  const config = parseConfig({ defaults: { concurrency, timeoutMs }, checks: targets.map((url, i) => ({ id: `c${i}`, kind: 'http', target: url })) });
  return async () => {
    const findings = await runChecks(config.checks, { probes: probeRegistry, concurrency, defaultTimeoutMs: timeoutMs, aws: {} as never });
    return findings.filter((f) => f.status === 'ok').length;
  };
}

async function bare(): Promise<number> {
  const agent = new http.Agent({ keepAlive: true });
  const limit = pLimit(concurrency);
  const get = (url: string) =>
    new Promise<void>((resolve, reject) => {
      http.get(url, { agent, signal: AbortSignal.timeout(timeoutMs) }, (res) => res.resume().on('end', resolve).on('error', reject)).on('error', reject);
    });
  const answered = await Promise.all(
    targets.map((url) =>
      limit(() =>
        get(url).then(
          () => 1,
          () => 0,
        ),
      ),
    ),
  );
  return answered.reduce<number>((a, b) => a + b, 0);
}
