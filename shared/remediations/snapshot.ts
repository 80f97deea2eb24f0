import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { RemediationRefusedError } from '../errors.js';
import type { Arns, Grant } from '../permissions.js';
import type { Uses } from '../uses.js';
import type * as z from '../zod.js';
import { defineRemediation } from './remediation.js';

/** A database whose snapshot Vigil takes, as its control plane answers: DocumentDB's and RDS's alike. */
export interface Snapshottable {
  state(signal?: AbortSignal): Promise<string>;
  create(snapshotId: string): Promise<{ id: string; status: string }>;
  /** The snapshot's status, or undefined when there is none by that name. */
  status(snapshotId: string, signal?: AbortSignal): Promise<string | undefined>;
}

interface SnapshotRemediation<K extends string, S extends z.ZodMiniObject> {
  kind: K;
  description: string;
  uses: Uses;
  settings: S;
  example: z.input<S>;
  permissions(s: z.output<S>, arns: Arns): Grant[];
  targetKey(s: z.output<S>): string;
  /** How refusals name the service when its client is missing, e.g. "RDS". */
  service: string;
  /** What is snapshotted, e.g. "cluster snapshot": how the plan says it. */
  noun(s: z.output<S>): string;
  database(aws: AwsPorts, s: z.output<S>): Snapshottable | undefined;
}

/** Snapshot names: letters, digits and hyphens, at most 63; the minute keeps two runs apart (and the grant holds them to vigil-<target>-). */
export const snapshotId = (target: string, clock: Clock) => `vigil-${target}-${clock.now().toISOString().slice(0, 16).replace(/[-:T]/g, '')}`.slice(0, 63);

/** A manual snapshot, tagged created-by=vigil: on its own, or as the safety step before a risky action. */
export function snapshotRemediation<const K extends string, S extends z.ZodMiniObject>(r: SnapshotRemediation<K, S>) {
  const database = (aws: AwsPorts, s: z.output<S>) => {
    const db = r.database(aws, s);
    if (!db) throw new RemediationRefusedError(`no ${r.service} client configured`);
    return db;
  };
  const target = (s: z.output<S>) => (s as { target: string }).target;
  return defineRemediation({
    kind: r.kind,
    description: r.description,
    risk: 'low',
    uses: r.uses,
    settings: r.settings,
    example: r.example,
    permissions: r.permissions,
    targetKey: r.targetKey,
    async plan(s, { aws, clock, signal }) {
      const state = await database(aws, s).state(signal);
      // A snapshot is taken of an available database only (the services answer InvalidDBInstanceState otherwise).
      if (state !== 'available') throw new RemediationRefusedError(`${target(s)} is ${state}; a snapshot needs it available`);
      const id = snapshotId(target(s), clock);
      return { summary: `create ${r.noun(s)} ${id} of ${target(s)}`, change: { snapshotId: id } };
    },
    async execute(s, plan, { aws }) {
      const snapshot = await database(aws, s).create(plan.change.snapshotId);
      return `snapshot ${snapshot.id} of ${target(s)} ${snapshot.status}`;
    },
    async reconcile(s, plan, { aws, signal }) {
      const id = plan.change.snapshotId;
      const status = await database(aws, s).status(id, signal);
      return status ? { applied: 'yes', detail: `snapshot ${id} of ${target(s)} ${status}` } : { applied: 'no', detail: `no snapshot ${id} of ${target(s)}` };
    },
  });
}
