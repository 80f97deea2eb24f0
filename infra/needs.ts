import type { VigilConfig } from '../shared/config/schema.js';
import { AWS_CLIENTS, DRIVERS, type AwsClient, type Driver } from './bundle.js';

/** What a function needs in its bundle to run these checks or remediations. */
export interface Needs {
  drivers: Driver[];
  /** The AWS SDK clients (besides DynamoDB's) its checks and remediations call. */
  aws: AwsClient[];
  /** CA bundles the checks name, shipped at the same path relative to the project. */
  files: string[];
}

/** What a check or remediation looks like to the bundler: its kind, and the settings that pull in code. */
export interface Needy {
  kind: string;
  caBundle?: string | undefined;
  password?: unknown;
}

/** The driver a kind of check or remediation loads: `pg` and `pg-*` PostgreSQL's, `mongo` and `mongo-*` MongoDB's. */
export function driverOf(kind: string): Driver | undefined {
  if (kind === 'pg' || kind.startsWith('pg-')) return 'pg';
  if (kind === 'mongo' || kind.startsWith('mongo-')) return 'mongodb';
  return undefined;
}

/** The SDK clients one check or remediation calls, by the same naming: `ecs-*`, `docdb-*`, `metric`; Secrets Manager for a `{ secret }` password. */
export function clientsOf(item: Needy): AwsClient[] {
  const clients: AwsClient[] = [];
  if (item.kind.startsWith('ecs-')) clients.push('ecs');
  if (item.kind.startsWith('docdb-')) clients.push('docdb');
  if (item.kind === 'metric') clients.push('metrics');
  if (item.password && typeof item.password === 'object' && 'secret' in item.password) clients.push('secrets');
  return clients;
}

export function needsOf(items: readonly Needy[]): Needs {
  const drivers = new Set(items.map((i) => driverOf(i.kind)));
  const clients = new Set(items.flatMap(clientsOf));
  // An absolute path is the deployer's (a layer's, say); a relative one is shipped from the project.
  const files = new Set(items.flatMap((i) => (i.caBundle && !i.caBundle.startsWith('/') ? [i.caBundle] : [])));
  return { drivers: DRIVERS.filter((d) => drivers.has(d)), aws: AWS_CLIENTS.filter((c) => clients.has(c)), files: [...files].sort() };
}

/** The ids of the checks runbook steps run, to diagnose or to verify. */
export function runbookCheckIds(config: VigilConfig): Set<string> {
  return new Set(config.runbooks.flatMap((r) => r.steps.flatMap((s) => ('diagnose' in s ? s.diagnose : 'verify' in s ? [s.verify.check] : []))));
}

/** Runbooks run remediations and, to diagnose and verify, checks: what the on-alarm and remediate functions need. */
export function runbookNeeds(config: VigilConfig): Needs {
  const stepChecks = runbookCheckIds(config);
  return needsOf([...config.remediations, ...config.checks.filter((c) => stepChecks.has(c.id))]);
}
