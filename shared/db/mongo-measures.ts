import type { Db, Document } from 'mongodb';
import { worst, type Observation } from '../findings.js';
import { gradeUpper, type Limits } from '../thresholds.js';
import { longOps } from './mongo-ops.js';

export interface MongoLimits {
  latencyMs: Limits;
  connectionsPercent: Limits;
  lagSeconds: Limits;
  /** long-ops: operations running at least this long are reported. */
  olderThanSeconds: number;
}

type Measure = (admin: Db, limits: MongoLimits) => Promise<Observation>;

export const MONGO_MEASURES = ['connectivity', 'connections', 'replication', 'long-ops'] as const;

/** MongoDB's codes for "this server has no such thing": a standalone, or DocumentDB without the command. */
const NOT_APPLICABLE = new Set([59, 76, 115]); // CommandNotFound, NoReplicationEnabled, CommandNotSupported

export const mongoMeasures: Record<(typeof MONGO_MEASURES)[number], Measure> = {
  async connectivity(admin, limits) {
    const started = performance.now();
    await admin.command({ ping: 1 });
    const latencyMs = Math.round(performance.now() - started);
    return { status: gradeUpper(latencyMs, limits.latencyMs), summary: `ping in ${latencyMs} ms`, observed: { latencyMs } };
  },

  async connections(admin, limits): Promise<Observation> {
    const status = await admin.command({ serverStatus: 1 });
    const c = status.connections as { current?: number; available?: number; totalCreated?: number; active?: number } | undefined;
    if (c?.current === undefined || c.available === undefined) return { status: 'warn', summary: 'serverStatus reports no connection counts', observed: {} };
    const current = Number(c.current);
    const limit = current + Number(c.available);
    const percent = Math.round((1000 * current) / limit) / 10;
    return {
      status: gradeUpper(percent, limits.connectionsPercent),
      summary: `${current} of ${limit} connections in use (${percent}%)`,
      observed: { connections: current, maxConnections: limit, connectionsPercent: percent },
      evidence: {
        current,
        available: Number(c.available),
        ...(c.active !== undefined ? { active: Number(c.active) } : {}),
        ...(c.totalCreated !== undefined ? { totalCreated: Number(c.totalCreated) } : {}),
      },
    };
  },

  async replication(admin, limits): Promise<Observation> {
    let status: Document;
    try {
      status = await admin.command({ replSetGetStatus: 1 });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== undefined && NOT_APPLICABLE.has(code)) {
        return {
          status: 'warn',
          summary: `replSetGetStatus is not available here (${(err as Error).message}); on DocumentDB, use the docdb-replica-lag metric preset`,
          observed: {},
        };
      }
      throw err;
    }
    return replicationOf(status.members as Document[] | undefined, limits);
  },

  async 'long-ops'(admin, limits): Promise<Observation> {
    const ops = await longOps(admin, limits.olderThanSeconds);
    if (!ops.length) return { status: 'ok', summary: `no operation running over ${limits.olderThanSeconds} s`, observed: { operations: 0 } };
    const oldest = ops[0]!;
    return {
      status: 'fail',
      summary: `${ops.length} operation${ops.length > 1 ? 's' : ''} running over ${limits.olderThanSeconds} s (oldest ${oldest.seconds} s, opid ${oldest.opid}, ${oldest.op} on ${oldest.ns}, ${oldest.application || '(no app)'})`,
      observed: { operations: ops.length, oldestSeconds: oldest.seconds },
      evidence: { operations: ops },
    };
  },
};

/** Lag of each secondary behind the primary, from the optime each member has applied. */
function replicationOf(members: Document[] | undefined, limits: MongoLimits): Observation {
  const list = members ?? [];
  const primary = list.find((m) => m.stateStr === 'PRIMARY');
  if (!primary)
    return {
      status: 'fail',
      summary: `no primary among ${list.length} members`,
      observed: { members: list.length },
      evidence: { members: list.map(({ name, stateStr, health }) => ({ name, state: stateStr, health })) },
    };
  const rows = list.map((m) => ({
    name: String(m.name),
    state: String(m.stateStr),
    health: Number(m.health ?? 1),
    ...(m.stateStr === 'SECONDARY' && m.optimeDate instanceof Date
      ? { lagSeconds: Math.max(0, Math.round(((primary.optimeDate as Date).getTime() - m.optimeDate.getTime()) / 1000)) }
      : {}),
  }));
  const secondaries = rows.filter((r) => r.state === 'SECONDARY');
  const down = rows.filter((r) => r.health === 0 || !['PRIMARY', 'SECONDARY', 'ARBITER'].includes(r.state));
  const lag = Math.max(0, ...secondaries.map((r) => r.lagSeconds ?? 0));
  const worstLag = secondaries.find((r) => r.lagSeconds === lag);
  const status = worst(gradeUpper(lag, limits.lagSeconds), down.length ? 'warn' : 'ok', secondaries.length ? 'ok' : 'warn');
  const parts = [
    secondaries.length
      ? `max lag ${lag} s${worstLag && lag > 0 ? ` (${worstLag.name})` : ''} over ${secondaries.length} secondar${secondaries.length > 1 ? 'ies' : 'y'}`
      : 'no secondary',
    ...down.map((d) => `${d.name} ${d.health === 0 ? 'unreachable' : d.state}`),
  ];
  return {
    status,
    summary: `primary ${primary.name}; ${parts.join('; ')}`,
    observed: { lagSeconds: lag, secondaries: secondaries.length, membersDown: down.length },
    evidence: { members: rows },
  };
}
