// Vigil's sample config: a catalog of checks drawn from real troubleshooting guides.
// The Lambda handlers and the CDK app both read this file. Point the targets at your own systems.
import { defineConfig } from './shared/config/index.js';

export default defineConfig({
  defaults: { timeoutMs: 10_000, concurrency: 16 },
  checks: [
    {
      id: 'api-health',
      kind: 'http',
      description: 'The API answers /health and reports its dependencies healthy.',
      target: 'https://api.example.com/health',
      schedule: 'rate(1 minute)',
      group: 'edge',
      severity: 'P1',
      tags: { service: 'api', team: 'platform' },
      expectStatus: [200],
      healthReport: true,
      assertions: [
        { path: 'checks.database', equals: 'healthy' },
        { path: 'checks.cache', equals: 'healthy', onMismatch: 'warn' },
      ],
      thresholds: { latencyMs: { warn: 500, fail: 2000 } },
      runbook: 'Unhealthy database: check the pg-connections check and the connection pool. 503 for every request: check the ECS service (running vs desired count, recent deployment).',
    },
    {
      id: 'api-certificate',
      kind: 'tls',
      description: 'The public certificate is valid, matches the name and is renewed in time.',
      target: 'api.example.com:443',
      schedule: 'rate(6 hours)',
      group: 'edge',
      severity: 'P2',
      tags: { service: 'api' },
      thresholds: { daysLeft: { warn: 30, fail: 7 } },
      runbook: 'Renew in ACM (or re-run the certificate pipeline); if ACM auto-renewal failed, check the DNS validation records.',
    },
    {
      id: 'api-dns',
      kind: 'dns',
      description: 'The API name resolves.',
      target: 'api.example.com',
      recordType: 'A',
      schedule: 'rate(5 minutes)',
      group: 'edge',
      severity: 'P2',
      tags: { service: 'api' },
      runbook: 'Check the Route 53 hosted zone and the alias record to the load balancer.',
    },
    {
      id: 'orders-db-port',
      kind: 'tcp',
      description: 'The orders database accepts connections.',
      target: 'orders-db.internal.example.com:5432',
      schedule: 'rate(1 minute)',
      group: 'databases',
      severity: 'P1',
      tags: { service: 'orders', team: 'data' },
      thresholds: { connectMs: { warn: 100, fail: 1000 } },
      runbook: 'Refused: is the instance up, and does its security group allow the app subnets? Slow: check CPU and connection count.',
    },
  ],
});
