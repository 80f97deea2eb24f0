import type { VigilConfig } from '../shared/config/schema.js';
import { probeRegistry } from '../shared/probes/index.js';
import { remediationRegistry } from '../shared/remediations/index.js';
import { DRIVERS, type AwsClient, type Driver, type Uses } from '../shared/uses.js';
import { AWS_CLIENTS } from './aws-clients.js';
import { secretIds } from '../shared/config/secrets.js';
import type { RunbookConfig } from '../shared/config/runbooks.js';
import { triggeringChecks } from '../shared/config/triggers.js';
import type { ChecksBuiltIn } from './bundle.js';

/** What a function needs in its bundle to run these checks or remediations. */
export interface Needs {
  drivers: Driver[];
  /** The AWS SDK clients (besides DynamoDB's) its checks and remediations call. */
  aws: AwsClient[];
  /** CA bundles the checks name, shipped at the same path relative to the project. */
  files: string[];
  /** The kinds of check and remediation it runs: their code, loaded on first use, and nothing else's. */
  kinds: string[];
}

/** What a check or remediation looks like to the bundler: its kind, and the settings that pull in code. */
export interface Needy {
  kind: string;
  caBundle?: string | undefined;
  password?: unknown;
  /** Other regions it also runs from: it asks them through Lambda. */
  fromRegions?: readonly string[] | undefined;
}

/** What a kind of check or remediation declares it calls (its `uses`). */
const usesOf = (kind: string): Uses => probeRegistry.get(kind)?.uses ?? remediationRegistry.get(kind)?.uses ?? {};

/** The driver a kind of check or remediation loads, if any. */
export const driverOf = (kind: string): Driver | undefined => usesOf(kind).driver;

/** The SDK clients one check or remediation calls: its kind's, and Secrets Manager for any `{ secret }` in its settings. */
function clientsOf(item: Needy): AwsClient[] {
  const secret = secretIds(item).length > 0;
  return [...(usesOf(item.kind).aws ?? []), ...(secret ? (['secrets'] as const) : []), ...(item.fromRegions?.length ? (['region-probes'] as const) : [])];
}

export function needsOf(items: readonly Needy[]): Needs {
  const drivers = new Set(items.map((i) => driverOf(i.kind)));
  const clients = new Set(items.flatMap(clientsOf));
  // An absolute path is the deployer's (a layer's, say); a relative one is shipped from the project.
  const files = new Set(items.flatMap((i) => (i.caBundle && !i.caBundle.startsWith('/') ? [i.caBundle] : [])));
  return {
    drivers: DRIVERS.filter((d) => drivers.has(d)),
    aws: AWS_CLIENTS.filter((c) => clients.has(c)),
    files: [...files].sort(),
    kinds: [...new Set(items.map((i) => i.kind))].sort(),
  };
}

/** The ids of the checks runbook steps run, to diagnose or to verify (a verify without its own check re-runs the ones that start it), and those remediations run. */
export function runbookCheckIds(config: VigilConfig): Set<string> {
  const verified = (r: RunbookConfig, check: string | undefined) => (check !== undefined ? [check] : triggeringChecks(r, config).map((c) => c.id));
  // A remediation may run a check itself (a restore test, against its copy): it is read where the runbook runs.
  const run = config.remediations.flatMap((r) => (remediationRegistry.get(r.kind)?.namedChecks?.(r as never) ?? []).filter((n) => n.runs).map((n) => n.id));
  return new Set([
    ...config.runbooks.flatMap((r) =>
      r.steps.flatMap((s) => ('diagnose' in s ? s.diagnose : 'precheck' in s ? s.precheck : 'verify' in s ? verified(r, s.verify.check) : [])),
    ),
    ...run,
  ]);
}

/** The checks on-alarm and remediate read: the ones runbook steps and remediations run, and the ones that start runbooks. */
export function runbookReadChecks(config: VigilConfig): string[] {
  const starting = config.runbooks.flatMap((r) => triggeringChecks(r, config).map((c) => c.id));
  return [...new Set([...runbookCheckIds(config), ...starting])];
}

/**
 * Which checks each function holds in its code: those it reads, with what deciding about them reads. run-checks,
 * notify and incidents look theirs up in files beside the code (infra/vigil.ts writes them), so no cold start
 * grows with the config.
 */
export function checksBuiltIn(fn: string, config: VigilConfig): ChecksBuiltIn | undefined {
  switch (fn) {
    case 'run-checks':
    case 'notify':
    case 'incidents':
      return 'apart';
    case 'on-alarm':
    case 'remediate':
      return { only: runbookReadChecks(config) };
    case 'region-probe':
      return { only: config.checks.filter((c) => c.fromRegions?.length).map((c) => c.id) };
    case 'heartbeat':
      return { only: config.checks.filter((c) => c.kind === 'heartbeat').map((c) => c.id) };
    default:
      return undefined;
  }
}

/** Runbooks run remediations and, to diagnose and verify, checks: what the on-alarm and remediate functions need. */
export function runbookNeeds(config: VigilConfig): Needs {
  const stepChecks = runbookCheckIds(config);
  return needsOf([...config.remediations, ...config.checks.filter((c) => stepChecks.has(c.id))]);
}
