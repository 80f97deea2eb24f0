import { SdkEcs, type EcsPort } from './ecs.js';
import { BatchingMetrics, type MetricsPort } from './metrics.js';

/** The AWS APIs probes and remediations use, behind ports so tests and the demo can stand in. */
export interface AwsPorts {
  ecs: EcsPort;
  metrics: MetricsPort;
}

/** SDK-backed ports; build once per cold start, at module scope. */
export function sdkPorts(): AwsPorts {
  return { ecs: new SdkEcs(), metrics: new BatchingMetrics() };
}
