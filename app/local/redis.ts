import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IssuedCertificate } from './certificates.js';
import { freePort } from './postgres.js';

const run = promisify(execFile);

export interface LocalRedis {
  host: string;
  /** Each server's port: one, or the cluster's primaries. */
  ports: number[];
  /** `host:port` of the first server. */
  target: string;
  stop(): Promise<void>;
}

export interface LocalRedisOptions {
  /** AUTH for the default user. */
  password?: string;
  /** An ACL user with this password, besides the default user. */
  aclUser?: { name: string; password: string };
  /** Serve TLS only, with this certificate. */
  tls?: IssuedCertificate;
  /** Cluster mode with this many primaries (no replicas). */
  shards?: number;
}

/** Debian's redis-server, when installed (`apt-get install redis-server`; `.ci/run` does it). */
export const redisServerBin = (): string | undefined => ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));

/** A throwaway Redis on loopback, on free ports, with nothing saved to disk. */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const bin = redisServerBin();
  if (!bin) throw new Error('redis-server is not installed: apt-get install redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-redis-'));
  const count = options.shards ?? 1;
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const tlsFiles = options.tls && writeTls(dir, options.tls);
  const servers: ChildProcess[] = [];
  try {
    for (const port of ports) {
      const args = [
        ...(tlsFiles
          ? [
              '--port',
              '0',
              '--tls-port',
              String(port),
              '--tls-cert-file',
              tlsFiles.cert,
              '--tls-key-file',
              tlsFiles.key,
              '--tls-ca-cert-file',
              tlsFiles.ca,
              '--tls-auth-clients',
              'no',
              ...(count > 1 ? ['--tls-cluster', 'yes'] : []),
            ]
          : ['--port', String(port)]),
        ...['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
        ...(options.password ? ['--requirepass', options.password] : []),
        ...(options.password && count > 1 ? ['--masterauth', options.password] : []),
        ...(count > 1 ? ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000'] : []),
      ];
      servers.push(await started(spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })));
    }
    const cli = (port: number, ...args: string[]) =>
      run(bin.replace('redis-server', 'redis-cli'), [
        ...(tlsFiles ? ['--tls', '--cacert', tlsFiles.ca] : []),
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        ...(options.password ? ['-a', options.password, '--no-auth-warning'] : []),
        ...args,
      ]);
    if (options.aclUser)
      for (const port of ports) await cli(port, 'ACL', 'SETUSER', options.aclUser.name, 'on', `>${options.aclUser.password}`, '~*', '&*', '+@all');
    if (count > 1) {
      await cli(ports[0]!, '--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes');
      await clusterReady(() => cli(ports[0]!, 'CLUSTER', 'INFO'));
    }
  } catch (err) {
    for (const s of servers) s.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: '127.0.0.1',
    ports,
    target: `127.0.0.1:${ports[0]}`,
    async stop() {
      await Promise.all(
        servers.map((s) => new Promise<void>((resolve) => (s.exitCode !== null ? resolve() : (s.once('exit', () => resolve()), s.kill('SIGTERM'))))),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function writeTls(dir: string, tls: IssuedCertificate) {
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  writeFileSync(files.ca, tls.ca);
  writeFileSync(files.cert, tls.cert);
  writeFileSync(files.key, tls.key, { mode: 0o600 });
  return files;
}

/** Resolves once the server says it accepts connections; rejects if it exits first. */
function started(server: ChildProcess): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve(server);
      }
    };
    server.stdout!.on('data', read);
    server.stderr!.on('data', read);
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${out}`));
    });
  });
}

async function clusterReady(info: () => Promise<{ stdout: string }>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!/cluster_state:ok/.test((await info()).stdout)) {
    if (Date.now() > deadline) throw new Error('the local Redis cluster did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}
