import { SdkDocdb, type DocdbPort } from './docdb.js';
import { SdkEcs, type EcsPort } from './ecs.js';
import { BatchingMetrics, type MetricsPort } from './metrics.js';
import type { SecretsPort } from '../secrets/credentials.js';
import { SdkSecrets } from './secrets.js';

/** The AWS APIs probes and remediations use, behind ports so tests and the demo can stand in. */
export interface AwsPorts {
  ecs: EcsPort;
  metrics: MetricsPort;
  /** DocumentDB's control plane. Absent: docdb checks and remediations report it as a setup error. */
  docdb?: DocdbPort;
  /** Database credentials. Absent: only env and inline passwords resolve. */
  secrets?: SecretsPort;
}

/** SDK-backed ports; build once per cold start, at module scope. */
export function sdkPorts(): AwsPorts {
  return { ecs: new SdkEcs(), metrics: new BatchingMetrics(), secrets: new SdkSecrets(), docdb: new SdkDocdb() };
}
