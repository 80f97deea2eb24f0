import { parseArgs } from 'node:util';
import { planTicks, type PlannedTick } from '../../shared/config/schedule-plan.js';
import { rateMinutes } from '../../shared/config/schedule.js';
import { deployTraps } from '../../shared/config/deploy-traps.js';
import { loadConfigFile } from '../../shared/config/load.js';
import { SEVERITIES, type VigilConfig } from '../../shared/config/schema.js';
import { componentsOf } from '../../shared/status/components.js';
import { secretIds } from '../../shared/config/secrets.js';
import { RequestError } from '../../shared/errors.js';
import type { Io } from '../terminal/io.js';

export const planUsage = 'vigil plan [--config vigil.config.ts]   what a deploy would create, and what only a deploy would hit';

/** Invocations listed per schedule: a plan of 100,000 checks stays a page long. */
const LISTED_BUCKETS = 20;

/** Lambda runs of a schedule a month, by its expression: `rate(5 minutes)` is 8,640. */
const MONTH_MINUTES = 30 * 24 * 60;
/** bench/results.md: a million check executions cost about $0.02–0.06, the most for a small deployment with slow targets. */
const PER_MILLION = 0.06;

/** `vigil plan`: loads the config, prints the functions, schedules, alarms, runbooks and secrets a deploy makes, its cost, and its traps. */
export async function planCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' } } });
  if (positionals.length) throw new RequestError(`unexpected "${positionals.join(' ')}". Usage: ${planUsage}`);
  const path = values.config ?? 'vigil.config.ts';
  const config = await loadConfigFile(path);
  io.out(summary(config, path).join('\n'));
  const traps = deployTraps(config);
  io.out(
    traps.length
      ? ['', `${traps.length} to look at before deploying:`, ...traps.map((t) => `  - ${t.path}: ${t.message}`)].join('\n')
      : '\nNothing found that only a deploy would hit.',
  );
  // cdk takes the config as context; its own CLI ignores a --config flag, so the form is spelled out.
  io.out(`\nDeploy it: npx cdk deploy --all -c config=${path} -c environment=<name>`);
  return 0;
}

function summary(config: VigilConfig, path: string): string[] {
  const ticks = planTicks(config);
  const vpc = config.checks.some((c) => c.enabled && c.network === 'vpc');
  const acting = config.runbooks.length > 0 || config.remediations.length > 0;
  const functions = [
    'dispatch',
    'run-checks',
    ...(vpc ? ['run-checks (in the VPC)'] : []),
    'notify',
    'incidents',
    ...(acting ? ['on-alarm', 'remediate'] : []),
    ...(config.checks.some((c) => c.kind === 'heartbeat') ? ['heartbeat (a function URL)'] : []),
    // Checks run from other regions: a stack of its own in each, holding the probe function there.
    ...[...new Set(config.checks.flatMap((c) => c.fromRegions ?? []))].sort().map((region) => `region-probe (in ${region})`),
  ];
  const runs = ticks.reduce((sum, t) => sum + (MONTH_MINUTES / (rateMinutes(t.expression) ?? 1)) * checksOf(t), 0);
  const secrets = [...new Set([...config.checks, ...config.remediations].flatMap((item) => secretIds(item)))];
  return [
    `${path}: ${config.checks.length} checks, ${config.remediations.length} remediations, ${config.runbooks.length} runbooks, ${config.alarms.length} alarms`,
    '',
    `Functions (${functions.length}): ${functions.join(', ')}`,
    '',
    `Schedules (${ticks.length}), each starting run-checks once per bucket of up to 50 checks:`,
    ...ticks.flatMap((t) => [
      `  ${t.name}  ${t.expression}  ${checksOf(t)} checks in ${t.buckets.length} invocation${t.buckets.length === 1 ? '' : 's'}`,
      ...t.buckets.slice(0, LISTED_BUCKETS).map((b) => `    ${b.network === 'vpc' ? '(vpc) ' : ''}${b.checks.join(', ')}`),
      ...(t.buckets.length > LISTED_BUCKETS ? [`    … and ${t.buckets.length - LISTED_BUCKETS} more invocations of up to 50 checks`] : []),
    ]),
    ...(config.alarms.length ? ['', `Alarms (${config.alarms.length}): ${config.alarms.map((a) => a.name ?? a.id).join(', ')}`] : []),
    ...(config.runbooks.length ? ['', `Runbooks (${config.runbooks.length}):`, ...config.runbooks.map(runbookLine)] : []),
    ...(config.deployments.length ? ['', `Rollouts that hold checks: ${config.deployments.map((d) => d.service).join(', ')}`] : []),
    '',
    ...stakeholders(config),
    '',
    `Secrets the functions may read: ${secrets.length ? secrets.join(', ') : 'none'}`,
    `Estimated cost: about $${dollars((runs / 1e6) * PER_MILLION)} a month for ${Math.round(runs).toLocaleString('en')} check runs${ticks.some((t) => t.expression.startsWith('cron(')) ? ' (a cron priced as once a minute, its most)' : ''}, plus the stack's fixed part (alarms, dashboard, key: $7.90 a month for the sample); bench/results.md has the model`,
  ];
}

const checksOf = (tick: PlannedTick) => tick.buckets.reduce((n, b) => n + b.checks.length, 0);

/** Who else hears: the status page, stakeholders' updates, the escalation chain, and the hand-offs. */
function stakeholders(config: VigilConfig): string[] {
  const components = componentsOf(config);
  const updates = SEVERITIES.filter((s) => config.incidents.severities[s].updateMinutes > 0).map(
    (s) => `${s} every ${config.incidents.severities[s].updateMinutes} min`,
  );
  const chain = config.incidents.escalation.map((l) => `${l.name}${l.topic ? ` (${l.topic})` : ''}`).join(', then ');
  const hours = config.incidents.businessHours;
  return [
    `Status page (${components.length} component${components.length === 1 ? '' : 's'}: ${components.map((c) => c.name).join(', ') || 'none: give checks a service tag, or statusPage.components'}): a private bucket${config.statusPage.cloudfront ? ', served through CloudFront' : ''}`,
    `Stakeholder updates: ${updates.join(', ') || 'none'}; escalation: ${chain}${hours ? `; ${hours.severities.join(', ')} wait for business hours (${hours.start}–${hours.end} ${hours.timeZone})` : ''}`,
    `Hand-offs: every transition as an event on the bus vigil-<env>-incidents${config.incidents.opsCenter ? `; an OpsCenter OpsItem for each ${config.incidents.opsCenter.severities.join(', ')} incident` : ''}`,
  ];
}

function runbookLine(r: VigilConfig['runbooks'][number]): string {
  const on = [
    ...(r.match.alarms ?? []).map((a) => `alarm ${a}`),
    ...(r.match.alarmNames ?? []).map((a) => `alarm "${a}"`),
    ...(r.match.alarmPrefix ? [`alarms "${r.match.alarmPrefix}…"`] : []),
    ...(r.match.checks ? ['checks'] : []),
    ...(r.match.schedule ? [`schedule ${r.match.schedule.expression} ${r.match.schedule.timezone}`] : []),
  ];
  const steps = r.steps.map((s) => Object.keys(s)[0]).join(' → ');
  return `  ${r.id}: on ${on.join(', ') || 'tags'}; ${steps}`;
}

/** Cents for what costs cents, two significant digits below that. */
const dollars = (amount: number) => (amount >= 0.01 ? amount.toFixed(2) : amount.toPrecision(2));
