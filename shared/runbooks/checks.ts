import { runChecks } from '../engine/runner.js';
import type { Finding } from '../findings.js';
import { isFailing, type IncidentPolicy } from '../incidents/policy.js';
import { lazyProbes } from '../probes/source.js';
import type { RunbookDeps } from './deps.js';
import { SetupError } from '../errors.js';

/** A verify step: after the settle time, the check passes within its attempts, or the fix did not hold. */
export async function verify(
  v: { check: string; settleSeconds: number; attempts: number; intervalSeconds: number },
  deps: RunbookDeps,
): Promise<{ ok: boolean; detail: string }> {
  await deps.sleep(v.settleSeconds * 1000);
  let last: Finding | undefined;
  for (let attempt = 1; attempt <= v.attempts; attempt++) {
    [last] = await check([v.check], deps);
    if (last && !isFailing(last.status, { openOnWarn: false } as IncidentPolicy))
      return { ok: true, detail: `${v.check} ${last.status} (attempt ${attempt}): ${last.summary}` };
    if (attempt < v.attempts) await deps.sleep(v.intervalSeconds * 1000);
  }
  return { ok: false, detail: `${v.check} still ${last?.status} after ${v.attempts} attempts: ${last?.summary}` };
}

/** Runs the checks a step names, in the order it names them: the runbook's author chose what to look at first. */
export function check(ids: string[], deps: RunbookDeps): Promise<Finding[]> {
  return run(
    ids.map((id) => deps.config.checks.find((c) => c.id === id)!),
    deps,
  );
}

/** A target's `host:port` at its start, as database checks write it (`orders-db.internal:5432/orders`). */
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}(?=\/|$)/;

/** One configured check, as it is but for the host and port it reaches: a scratch copy of its database, say. */
export async function checkAt(id: string, endpoint: { host: string; port: number }, deps: RunbookDeps, signal?: AbortSignal) {
  const configured = deps.config.checks.find((c) => c.id === id)!;
  const target = (configured as { target?: unknown }).target;
  if (typeof target !== 'string' || !HOST_PORT.test(target)) throw new SetupError(`check ${id} names no host:port to point elsewhere`);
  signal?.throwIfAborted();
  const [finding] = await run([{ ...configured, target: target.replace(HOST_PORT, `${endpoint.host}:${endpoint.port}`) } as typeof configured], deps);
  return { status: finding!.status, summary: finding!.summary };
}

function run(checks: RunbookDeps['config']['checks'], deps: RunbookDeps): Promise<Finding[]> {
  return runChecks(checks, {
    probes: lazyProbes,
    concurrency: deps.config.defaults.concurrency,
    defaultTimeoutMs: deps.config.defaults.timeoutMs,
    clock: deps.clock,
    aws: deps.aws,
    heartbeats: deps.store,
  });
}
