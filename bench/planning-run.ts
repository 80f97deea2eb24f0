// In a fresh process: load and validate a config of N checks and plan its schedules; CPU time and peak RSS.
import { parseConfig } from '../shared/config/load.js';
import { planTicks } from '../shared/config/schedule-plan.js';
import { rateMinutes } from '../shared/config/schedule.js';

const n = Number(process.argv[2]);
const kinds = [
  (i: number) => ({ kind: 'http', target: `https://svc-${i}.example.com/health`, expectStatus: [200] }),
  (i: number) => ({ kind: 'tls', target: `svc-${i}.example.com:443` }),
  (i: number) => ({ kind: 'tcp', target: `db-${i}.internal:5432` }),
  (i: number) => ({ kind: 'metric', preset: 'ecs-cpu', target: `prod/svc-${i}` }),
];
// As a large team would write it: checks grouped by service family, most every minute.
const raw = {
  checks: Array.from({ length: n }, (_, i) => ({
    id: `check-${i}`,
    group: `family-${i % 200}`,
    schedule: i % 5 === 0 ? 'rate(5 minutes)' : 'rate(1 minute)',
    ...kinds[i % kinds.length]!(i),
  })),
};
const cpu = process.cpuUsage();
const config = parseConfig(raw);
const plan = planTicks(config);
const used = process.cpuUsage(cpu);
const perSecond = plan.reduce((sum, t) => sum + t.buckets.length / (rateMinutes(t.expression)! * 60), 0);
console.log(
  JSON.stringify({
    cpuMs: (used.user + used.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    schedules: plan.length,
    invocationsPerSecond: perSecond,
    checks: config.checks.length,
  }),
);
process.exit(0);
