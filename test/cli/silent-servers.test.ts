import { spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpTarget, type LocalTarget } from '../../app/local/servers.js';

// A server that accepts and never answers. A probe that times out must close what it opened: the
// process (`vigil run`, a Lambda's billed time, a slot on the database) must not wait on it.

const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
const TIMEOUT_MS = 1500;

let silent: LocalTarget;
/** Says yes to PostgreSQL's SSLRequest ('S'), then never completes the TLS handshake. */
let sslThenSilent: Server;
let sslPort: number;
const sockets = new Set<Socket>();
let udp: UdpSocket;
let dir: string;

beforeAll(async () => {
  silent = await startTcpTarget();
  sslThenSilent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => socket.write('S'));
  });
  await new Promise<void>((resolve) => sslThenSilent.listen(0, '127.0.0.1', resolve));
  sslPort = (sslThenSilent.address() as { port: number }).port;
  udp = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  dir = mkdtempSync(join(tmpdir(), 'vigil-silent-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => sslThenSilent.close(resolve));
  await silent.close();
  udp.close();
});

const at = () => `127.0.0.1:${silent.port}`;
const password = { value: 'local-only' };
const CHECKS: [string, () => Record<string, unknown>][] = [
  ['http', () => ({ kind: 'http', target: `http://${at()}/health` })],
  ['https', () => ({ kind: 'http', target: `https://${at()}/health` })],
  ['tls', () => ({ kind: 'tls', target: at() })],
  ['dns', () => ({ kind: 'dns', target: 'api.example.com', server: `127.0.0.1:${udp.address().port}` })],
  ['pg without TLS', () => ({ kind: 'pg', target: `${at()}/orders`, password, ssl: 'disable' })],
  ['pg, TLS accepted and then silent', () => ({ kind: 'pg', target: `127.0.0.1:${sslPort}/orders`, password, ssl: 'require' })],
  ['mongo', () => ({ kind: 'mongo', target: at(), user: 'vigil', password, tls: false })],
  ['mongo with TLS', () => ({ kind: 'mongo', target: at(), user: 'vigil', password })],
  ['redis', () => ({ kind: 'redis', target: at() })],
  ['redis with TLS', () => ({ kind: 'redis', target: at(), tls: true })],
  // AWS APIs, every endpoint the silent server (AWS_ENDPOINT_URL below).
  ['ecs-service', () => ({ kind: 'ecs-service', target: 'prod/orders-api' })],
  ['ecs-autoscaling', () => ({ kind: 'ecs-autoscaling', target: 'prod/orders-api' })],
  ['metric', () => ({ kind: 'metric', target: 'orders-db', preset: 'rds-cpu' })],
  ['logs', () => ({ kind: 'logs', target: '/ecs/orders-api', pattern: 'ERROR' })],
  ['lb-targets', () => ({ kind: 'lb-targets', target: 'orders-api-tg' })],
  ['rds', () => ({ kind: 'rds', target: 'orders-db' })],
  ['docdb-cluster', () => ({ kind: 'docdb-cluster', target: 'orders-docdb' })],
];

/** `vigil run` as a user runs it: when its findings were printed, and when the process was gone. */
function runVigil(config: string): Promise<{ printedAfterMs: number; exitedAfterMs: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'laptop',
      AWS_SECRET_ACCESS_KEY: 'laptop',
      AWS_ENDPOINT_URL: `http://${at()}`,
    };
    const child = spawn(process.execPath, [VIGIL, 'run', '--config', config, '--json'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let printed = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      printed ||= performance.now();
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(kill);
      const exited = performance.now();
      resolve({ printedAfterMs: (printed || exited) - started, exitedAfterMs: exited - started, stdout });
    });
  });
}

describe.concurrent('a probe against a server that accepts and never answers', () => {
  it.each(CHECKS)(
    '%s: fails at its timeout, and the process exits within seconds of its findings',
    async (name, check) => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.config.ts`);
      writeFileSync(file, `export default ${JSON.stringify({ checks: [{ id: 'silent', timeoutMs: TIMEOUT_MS, ...check() }] })};`);
      const { printedAfterMs, exitedAfterMs, stdout } = await runVigil(file);
      const [finding] = JSON.parse(stdout) as { status: string; durationMs: number }[];
      expect(finding!.status).toBe('fail');
      expect(finding!.durationMs).toBeLessThanOrEqual(TIMEOUT_MS + 1000);
      // A socket left open holds the process until it is killed (90 s); a clean exit takes well under a second,
      // a little more while the other cases' processes load the machine.
      expect(exitedAfterMs - printedAfterMs).toBeLessThan(3000);
    },
    120_000,
  );
});
