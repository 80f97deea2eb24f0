import pLimit from 'p-limit';
import { sdkPorts, type AwsPorts } from '../aws/ports.js';
import { systemClock, type Clock } from '../clock.js';
import { ProbeTimeoutError, SetupError } from '../errors.js';
import { plainAwsError } from '../aws/plain.js';
import type { Finding, Observation } from '../findings.js';
import type { HeartbeatReader, Probe } from '../probes/probe.js';
import type { ProbeSource } from '../probes/source.js';
import { knownSecrets } from '../secrets/mask.js';

/** The fields the runner needs from a validated check; the rest belong to its probe. */
export type RunnableCheck = Record<string, unknown> & {
  id: string;
  kind: string;
  timeoutMs?: number | undefined;
};

export interface RunOptions {
  /** The registry, or a loader that imports each kind's code on first use. */
  probes: ProbeSource;
  concurrency: number;
  defaultTimeoutMs: number;
  clock?: Clock;
  /** Default: SDK-backed ports, built on first need. */
  aws?: AwsPorts;
  heartbeats?: HeartbeatReader;
}

/**
 * Runs checks with bounded concurrency; findings come back in the order the checks were given.
 * Whatever one probe does (throw, hang, ignore its abort signal), the others are not disturbed.
 */
export async function runChecks(checks: readonly RunnableCheck[], options: RunOptions): Promise<Finding[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  return Promise.all(checks.map((check) => limit(() => runCheck(check, options))));
}

export async function runCheck(check: RunnableCheck, options: RunOptions): Promise<Finding> {
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const probe = await options.probes.get(check.kind);
  const t0 = performance.now();
  if (!probe) {
    return finding(check, check.kind, startedAt, 0, {
      status: 'error',
      summary: `no probe of kind "${check.kind}" is registered`,
      observed: {},
    });
  }
  const timeoutMs = check.timeoutMs ?? options.defaultTimeoutMs;
  knownSecrets.add(...probe.secrets(check));
  const observation = await observe(probe, check, timeoutMs, {
    clock,
    aws: (options.aws ??= sdkPorts()),
    ...(options.heartbeats ? { heartbeats: options.heartbeats } : {}),
  });
  const result = finding(check, probe.describeTarget(check), startedAt, performance.now() - t0, observation);
  // Probes mask what they cut short (ctx.redact); this masks everything else they return.
  return knownSecrets.deep(result);
}

const redact = (text: string) => knownSecrets.text(text);

async function observe(
  probe: Probe,
  check: RunnableCheck,
  timeoutMs: number,
  ctx: { clock: Clock; aws: AwsPorts; heartbeats?: HeartbeatReader },
): Promise<Observation> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // Racing against the timer bounds a probe even if it ignores its abort signal.
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new ProbeTimeoutError(timeoutMs);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    const run = Promise.resolve().then(() => probe.run(check, { signal: controller.signal, timeoutMs, redact, ...ctx }));
    return await Promise.race([run, timedOut]);
  } catch (err) {
    if (err instanceof ProbeTimeoutError) {
      return { status: 'fail', summary: `no answer: ${err.message}`, observed: { timeoutMs } };
    }
    // An AWS probe with no way to AWS, or with credentials AWS refuses, says so as a runbook would.
    const message = plainAwsError(err);
    return { status: 'error', summary: `${err instanceof SetupError ? 'setup error' : 'probe error'}: ${message}`, observed: {} };
  } finally {
    clearTimeout(timer);
  }
}

function finding(check: RunnableCheck, target: string, startedAt: Date, durationMs: number, o: Observation): Finding {
  return {
    checkId: check.id,
    kind: check.kind,
    target,
    status: o.status,
    summary: o.summary,
    observed: o.observed,
    ...(o.evidence ? { evidence: o.evidence } : {}),
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
  };
}
