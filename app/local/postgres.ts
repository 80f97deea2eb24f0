import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LocalPostgres {
  host: string;
  port: number;
  /** The cluster's superuser and its password (password auth over TCP, as in production). */
  user: string;
  password: string;
  stop(): Promise<void>;
}

/** Where PostgreSQL's server programs are: on PATH, or in Debian's versioned folder. */
export function postgresBin(): string | undefined {
  for (const dir of ['/usr/local/bin', ...versionedBins()]) if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  return undefined;
}

function versionedBins(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .reverse()
    .map((v) => join(root, v, 'bin'));
}

/**
 * A throwaway PostgreSQL cluster on a free loopback port: `initdb` into a temp dir, started with
 * `pg_ctl`, removed by `stop()`. initdb refuses to run as root, so as root it runs as `postgres`.
 */
export async function startLocalPostgres(options: { maxConnections?: number; preload?: string[] } = {}): Promise<LocalPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL server programs (initdb, pg_ctl) not found');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pg-'));
  const password = `local-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, 'pw'), password);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout), Number(gid));
    chownSync(join(dir, 'pw'), Number(stdout), Number(gid));
  }
  chmodSync(dir, 0o700);
  const as = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args]) : run(join(bin, program), args);
  const data = join(dir, 'data');
  await as('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    `--pwfile=${join(dir, 'pw')}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    `-c max_connections=${options.maxConnections ?? 40}`,
    '-c fsync=off',
    ...(options.preload?.length ? [`-c shared_preload_libraries=${options.preload.join(',')}`] : []),
  ].join(' ');
  await as('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', 'start']);
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    stop: async () => {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
