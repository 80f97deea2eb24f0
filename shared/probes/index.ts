import { acmCertificateProbe } from './acm-certificate.js';
import { awsHealthProbe } from './aws-health.js';
import { dnsProbe } from './dns.js';
import { docdbClusterProbe } from './docdb-cluster.js';
import { ecsAutoscalingProbe } from './ecs-autoscaling.js';
import { ecsServiceProbe } from './ecs-service.js';
import { metricProbe } from './metric.js';
import { heartbeatProbe } from './heartbeat.js';
import { httpProbe } from './http.js';
import { lbTargetsProbe } from './lb-targets.js';
import { logsProbe } from './logs.js';
import { mongoProbe } from './mongo.js';
import { pgProbe } from './pg.js';
import { rdsProbe } from './rds.js';
import { redisProbe } from './redis.js';
import type { Probe } from './probe.js';
import { tcpProbe } from './tcp.js';
import { tlsProbe } from './tls.js';

/** Every probe Vigil knows. Adding one: its file, its test, and one entry here. */
export const allProbes = [
  httpProbe,
  tlsProbe,
  dnsProbe,
  tcpProbe,
  ecsServiceProbe,
  metricProbe,
  pgProbe,
  mongoProbe,
  docdbClusterProbe,
  rdsProbe,
  lbTargetsProbe,
  ecsAutoscalingProbe,
  logsProbe,
  redisProbe,
  heartbeatProbe,
  awsHealthProbe,
  acmCertificateProbe,
] as const;

export const probeRegistry: ReadonlyMap<string, Probe> = new Map(allProbes.map((p) => [p.kind, p as unknown as Probe]));
