import { execFileSync } from 'node:child_process';

export const median = (xs: number[]) => percentile(xs, 50);

export function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
export const kb = (bytes: number) => `${round(bytes / 1024, 0)} KB`;

/** Runs a TypeScript file of the bench in a fresh Node process and returns what it printed as JSON. */
export function child<T>(file: string, args: string[] = [], env: Record<string, string> = {}): T {
  const out = execFileSync(process.execPath, ['--no-warnings', '--import', 'tsx', new URL(file, import.meta.url).pathname, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

export const pass = (ok: boolean) => (ok ? 'yes' : '**no**');

/** How long jobs of these durations take, started in order, at most `slots` at a time, at no cost per job. */
export function makespan(durations: number[], slots: number): number {
  const freeAt = Array.from({ length: slots }, () => 0);
  for (const duration of durations) {
    const earliest = Math.min(...freeAt);
    freeAt[freeAt.indexOf(earliest)] = earliest + duration;
  }
  return Math.max(...freeAt);
}

export interface PathSample {
  totalMs: number;
  /** Time with at least one request in flight: overlapping requests count once. */
  waitingMs: number;
  /** Requests sent before the end of the path. */
  requests: number;
  /** Round trips the path waited for in turn: requests that overlap are one. */
  roundTrips: number;
}

/** How much of the path from `start` to `end` went to requests, which may overlap. */
export function pathSample(start: number, end: number, requests: { sent: number; answered: number }[]): PathSample {
  const before = requests.filter((r) => r.sent < end).sort((a, b) => a.sent - b.sent);
  let waitingMs = 0;
  let roundTrips = 0;
  let busyUntil = -Infinity;
  for (const r of before) {
    const answered = Math.min(r.answered, end);
    if (r.sent >= busyUntil) {
      // Waited for only if its answer came before the path went on without it.
      if (r.answered <= end) roundTrips += 1;
      waitingMs += answered - r.sent;
      busyUntil = answered;
    } else if (answered > busyUntil) {
      waitingMs += answered - busyUntil;
      busyUntil = answered;
    }
  }
  return { totalMs: end - start, waitingMs, requests: before.length, roundTrips };
}
