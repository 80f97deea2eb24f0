import type { Status } from '../findings.js';

// The guides' reading of a health payload: healthy, degraded, or anything else is unhealthy.
const HEALTHY = new Set(['healthy', 'ok', 'up', 'pass', 'passing', 'green', 'available']);
const DEGRADED = new Set(['degraded', 'warn', 'warning', 'yellow', 'partial']);
// A payload is the target's to write: what it names is kept short, so a finding stays readable.
const MAX_COMPONENTS = 50;
const MAX_NAMED_IN_SUMMARY = 5;
const MAX_WORD = 64;

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
export function readHealthReport(body: unknown, redact: (text: string) => string = (t) => t): HealthReport {
  // Masked before it is cut short, so no piece of a secret in a name survives the cut.
  const short = (text: string) => cut(redact(text));
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { components: {}, problems: [{ status: 'fail', text: 'health report is not a JSON object' }] };
  }
  const { status, checks, components } = body as Record<string, unknown>;
  const parts = checks ?? components;
  const named: Record<string, string> = {};
  if (parts && typeof parts === 'object') {
    for (const [name, value] of Object.entries(parts).slice(0, MAX_COMPONENTS)) {
      named[short(name)] = short(String(value && typeof value === 'object' ? (value as { status?: unknown }).status : value));
    }
  }
  const failing = Object.entries(named)
    .filter(([, word]) => readStatusWord(word) !== 'ok')
    .map(([name, word]) => `${name} ${word}`);
  const unhealthy =
    failing.length > MAX_NAMED_IN_SUMMARY ? [...failing.slice(0, MAX_NAMED_IN_SUMMARY), `${failing.length - MAX_NAMED_IN_SUMMARY} more`] : failing;

  if (status === undefined) {
    return { components: named, problems: [{ status: 'fail', text: 'health report has no "status"' }] };
  }
  const overall = readStatusWord(status);
  if (overall !== 'ok') {
    const why = unhealthy.length ? ` (${unhealthy.join(', ')})` : '';
    return { components: named, problems: [{ status: overall, text: `status ${short(String(status))}${why}` }] };
  }
  if (unhealthy.length) {
    return { components: named, problems: [{ status: 'warn', text: `status ${short(String(status))} but ${unhealthy.join(', ')}` }] };
  }
  return { components: named, problems: [] };
}

const cut = (text: string) => (text.length > MAX_WORD ? `${text.slice(0, MAX_WORD - 1)}…` : text);
