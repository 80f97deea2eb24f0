import { Resolver } from 'node:dns/promises';
import * as z from '../zod.js';
import { worst, type Observation, type Status } from '../findings.js';
import { gradeUpper, upperLimits } from '../thresholds.js';
import { hostPortSchema } from './host-port.js';
import { describeNetworkError } from './network-errors.js';
import { defineProbe } from './probe.js';

const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'] as const;

const settings = z.strictObject({
  /** The name to resolve, e.g. `api.example.com`. */
  target: z.string().check(z.regex(/^[A-Za-z0-9_.-]+$/, 'expected a DNS name, e.g. "api.example.com"')),
  /** Default: A. */
  recordType: z._default(z.enum(RECORD_TYPES), 'A'),
  /** Values that must all be among the answers, e.g. `['10.0.0.5']`. Default: any answer will do. */
  expect: z._default(z.array(z.string()), []),
  /** A DNS server to ask (`ip` or `ip:port`) instead of the system's. */
  server: z.optional(hostPortSchema(false)),
  thresholds: z.prefault(
    z.strictObject({
      /** Resolution time. Default: warn 250 ms, fail 1000 ms. */
      latencyMs: upperLimits(250, 1000),
    }),
    {},
  ),
});

export const dnsProbe = defineProbe({
  kind: 'dns',
  regional: true,
  example: { target: 'api.example.com', recordType: 'A' },
  description: 'Resolves a name; checks it answers, with the expected records, quickly.',
  uses: {},
  settings,
  // A server of its own is asked over UDP (and TCP for a long answer); the VPC's resolver needs no rule.
  egress: (check) => {
    if (!check.server) return [];
    const [host, port] = check.server.split(':');
    return (['udp', 'tcp'] as const).map((protocol) => ({ protocol, port: Number(port ?? 53), host: host! }));
  },
  describeTarget: (check) => `${check.target} ${check.recordType}`,
  secrets: () => [],
  async run(check, { signal }): Promise<Observation> {
    // One try: the check's own timeout bounds the wait, and retries would hide a flaky server.
    const resolver = new Resolver({ tries: 1 });
    if (check.server) resolver.setServers([check.server]);
    signal.addEventListener('abort', () => resolver.cancel(), { once: true });
    const started = performance.now();
    let answers: string[];
    try {
      answers = normalise((await resolver.resolve(check.target, check.recordType)) as unknown[]);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      return { status: 'fail', summary: `${check.recordType} lookup failed: ${describeNetworkError(err)}`, observed: {} };
    }
    const latencyMs = Math.round(performance.now() - started);

    const problems: { status: Status; text: string }[] = [];
    const missing = check.expect.filter((v) => !answers.includes(v));
    if (answers.length === 0) problems.push({ status: 'fail', text: `no ${check.recordType} records` });
    if (missing.length) problems.push({ status: 'fail', text: `missing ${missing.join(', ')} (got ${answers.join(', ') || 'nothing'})` });
    const latency = gradeUpper(latencyMs, check.thresholds.latencyMs);
    if (latency !== 'ok') problems.push({ status: latency, text: `slow: ${latencyMs} ms` });

    return {
      status: worst(...problems.map((p) => p.status)),
      summary: problems.length
        ? problems.map((p) => p.text).join('; ')
        : `${answers.length} ${check.recordType} in ${latencyMs} ms: ${answers.slice(0, 3).join(', ')}`,
      observed: { latencyMs, answers: answers.length },
      evidence: { answers },
    };
  },
});

/** Every record type as plain strings, so `expect` can compare them. */
function normalise(records: unknown[]): string[] {
  return records.map((r) => {
    if (typeof r === 'string') return r;
    if (Array.isArray(r)) return r.join(''); // TXT chunks
    if (r && typeof r === 'object' && 'exchange' in r) {
      const mx = r as { priority: number; exchange: string };
      return `${mx.priority} ${mx.exchange}`;
    }
    return JSON.stringify(r);
  });
}
