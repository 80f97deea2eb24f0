// One side of the comparison with a peer, in a fresh process: N loopback HTTP targets (all answering),
// probed once each at the same concurrency. `vigil` runs them through the engine and the http probe in
// this process; `blackbox` drives Prometheus's blackbox exporter (Debian's prometheus-blackbox-exporter)
// as Prometheus would, one /probe request per target, and measures the exporter's own process.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { parseConfig } from '../shared/config/load.js';
import { runChecks } from '../shared/engine/runner.js';
import { probeRegistry } from '../shared/probes/index.js';
import { startSlowTarget } from './target.js';

const [mode, ...numbers] = process.argv.slice(2);
const [n, concurrency, latencyMs] = numbers.map(Number) as [number, number, number];
const TIMEOUT_MS = 5_000;
const { base, stop } = await startSlowTarget(latencyMs);
const targets = Array.from({ length: n }, (_, i) => `${base}/ok?target=${i}`);

const result = mode === 'blackbox' ? await blackbox() : await vigil();
stop();
console.log(JSON.stringify(result));
process.exit(0);

async function vigil() {
  const config = parseConfig({
    defaults: { concurrency, timeoutMs: TIMEOUT_MS },
    checks: targets.map((url, i) => ({ id: `c${i}`, kind: 'http', target: url })),
  });
  const idleRssMb = process.memoryUsage().rss / 1024 / 1024;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const findings = await runChecks(config.checks, { probes: probeRegistry, concurrency, defaultTimeoutMs: TIMEOUT_MS, aws: {} as never });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ok: findings.filter((f) => f.status === 'ok').length,
    idleRssMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

async function blackbox() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-blackbox-'));
  const config = join(dir, 'blackbox.yml');
  writeFileSync(
    config,
    ['modules:', '  http_2xx:', '    prober: http', `    timeout: ${TIMEOUT_MS / 1000}s`, '    http:', '      preferred_ip_protocol: ip4', ''].join('\n'),
  );
  const port = 19_000 + Math.floor(Math.random() * 1000);
  const exporter = spawn('prometheus-blackbox-exporter', [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=error'], {
    stdio: 'ignore',
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${port}${path}`, { agent }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c));
          res.on('end', () => resolve(body)).on('error', reject);
        })
        .on('error', reject);
    });
  for (let i = 0; ; i++) {
    if (
      await get('/-/healthy').then(
        () => true,
        () => false,
      )
    )
      break;
    if (i > 100) throw new Error('the blackbox exporter did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  // utime and stime, the 14th and 15th fields of /proc/<pid>/stat (after the command name in parentheses).
  const cpuMs = () => {
    const fields = readFileSync(`/proc/${exporter.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  };
  const memoryMb = (field: 'VmRSS' | 'VmHWM') =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${exporter.pid}/status`, 'utf8'))![1]) / 1024;
  const idleRssMb = memoryMb('VmRSS');
  const cpuBefore = cpuMs();
  const limit = pLimit(concurrency);
  const started = performance.now();
  const bodies = await Promise.all(targets.map((t) => limit(() => get(`/probe?module=http_2xx&target=${encodeURIComponent(t)}`))));
  const wallMs = performance.now() - started;
  const result = { wallMs, cpuMs: cpuMs() - cpuBefore, ok: bodies.filter((b) => /^probe_success 1$/m.test(b)).length, idleRssMb, peakRssMb: memoryMb('VmHWM') };
  exporter.kill();
  agent.destroy();
  return result;
}
