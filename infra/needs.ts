import type { VigilConfig } from '../shared/config/schema.js';
import { DRIVERS, type Driver } from './bundle.js';

/** What a function needs in its bundle to run these checks or remediations. */
export interface Needs {
  drivers: Driver[];
  /** CA bundles the checks name, shipped at the same path relative to the project. */
  files: string[];
}

/** The driver a kind of check or remediation loads: `pg` and `pg-*` PostgreSQL's, `mongo` and `mongo-*` MongoDB's. */
export function driverOf(kind: string): Driver | undefined {
  if (kind === 'pg' || kind.startsWith('pg-')) return 'pg';
  if (kind === 'mongo' || kind.startsWith('mongo-')) return 'mongodb';
  return undefined;
}

export function needsOf(items: readonly { kind: string; caBundle?: string | undefined }[]): Needs {
  const drivers = new Set(items.map((i) => driverOf(i.kind)));
  // An absolute path is the deployer's (a layer's, say); a relative one is shipped from the project.
  const files = new Set(items.flatMap((i) => (i.caBundle && !i.caBundle.startsWith('/') ? [i.caBundle] : [])));
  return { drivers: DRIVERS.filter((d) => drivers.has(d)), files: [...files].sort() };
}

/** The ids of the checks runbook steps run, to diagnose or to verify. */
export function runbookCheckIds(config: VigilConfig): Set<string> {
  return new Set(config.runbooks.flatMap((r) => r.steps.flatMap((s) => ('diagnose' in s ? s.diagnose : 'verify' in s ? [s.verify.check] : []))));
}
