import type { Status } from '../findings.js';

// The guides' reading of a health payload: healthy, degraded, or anything else is unhealthy.
const HEALTHY = new Set(['healthy', 'ok', 'up', 'pass', 'passing', 'green', 'available']);
const DEGRADED = new Set(['degraded', 'warn', 'warning', 'yellow', 'partial']);

export function readStatusWord(word: unknown): Status {
  const w = typeof word === 'string' ? word.toLowerCase() : String(word);
  if (HEALTHY.has(w)) return 'ok';
  if (DEGRADED.has(w)) return 'warn';
  return 'fail';
}

export interface HealthReport {
  /** Each component's reported status, e.g. `{ database: 'unhealthy', cache: 'healthy' }`. */
  components: Record<string, string>;
  problems: { status: Status; text: string }[];
}

/**
 * Reads `{ status, checks: { database: 'healthy' | { status } } }` (also `components`, as Spring
 * Boot's actuator names them). The payload's own `status` is the service's verdict; unhealthy
 * components explain it. A "healthy" status with an unhealthy component reads as degraded.
 */
export function readHealthReport(body: unknown): HealthReport {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { components: {}, problems: [{ status: 'fail', text: 'health report is not a JSON object' }] };
  }
  const { status, checks, components } = body as Record<string, unknown>;
  const parts = checks ?? components;
  const named: Record<string, string> = {};
  if (parts && typeof parts === 'object') {
    for (const [name, value] of Object.entries(parts)) {
      named[name] = String(value && typeof value === 'object' ? (value as { status?: unknown }).status : value);
    }
  }
  const unhealthy = Object.entries(named)
    .filter(([, word]) => readStatusWord(word) !== 'ok')
    .map(([name, word]) => `${name} ${word}`);

  if (status === undefined) {
    return { components: named, problems: [{ status: 'fail', text: 'health report has no "status"' }] };
  }
  const overall = readStatusWord(status);
  if (overall !== 'ok') {
    const why = unhealthy.length ? ` (${unhealthy.join(', ')})` : '';
    return { components: named, problems: [{ status: overall, text: `status ${String(status)}${why}` }] };
  }
  if (unhealthy.length) {
    return { components: named, problems: [{ status: 'warn', text: `status ${String(status)} but ${unhealthy.join(', ')}` }] };
  }
  return { components: named, problems: [] };
}
