import { isIP } from 'node:net';
import { probeRegistry } from '../probes/index.js';
import { nameOfAlarm } from './alarm-name.js';
import type { VigilConfig } from './schema.js';

/** What only a deploy would hit, found in the config: each names where, and what to do. */
export interface Trap {
  path: string;
  message: string;
}

/** Loopback and private addresses a function outside the VPC cannot reach. */
function unreachableFromOutside(host: string): string | undefined {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return 'a loopback name';
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    if (a === 127) return 'a loopback address';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'a private address';
    if (a === 169 && b === 254) return 'a link-local address';
  }
  if (isIP(h) === 6 && (h === '::1' || h.startsWith('fc') || h.startsWith('fd'))) return h === '::1' ? 'a loopback address' : 'a private address';
  return undefined;
}

/** The host a target names: a URL's, or what comes before the port. */
export function hostOf(target: string): string {
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return new URL(target).hostname;
  } catch {
    // not a URL after all: read it as host:port below
  }
  const bracketed = /^\[([^\]]+)\]/.exec(target);
  return bracketed ? bracketed[1]! : (target.split(/[:/]/)[0] ?? target);
}

/** Objects that read a secret from an environment variable, however deep: `{ env: 'NAME' }`. */
function envSources(value: unknown, path: string): { path: string; name: string }[] {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => envSources(v, `${path}[${i}]`));
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === 'env' && typeof entries[0]![1] === 'string') return [{ path, name: entries[0]![1] }];
  return entries.flatMap(([k, v]) => envSources(v, `${path}.${k}`));
}

/**
 * The traps of a config that loads fine and fails only once deployed: targets a function outside the VPC
 * cannot reach, credentials from environment variables a Lambda will not have, TLS turned off outside the
 * VPC, and runbooks that answer alarms this config does not create. Pure.
 */
export function deployTraps(config: VigilConfig): Trap[] {
  const traps: Trap[] = [];
  config.checks.forEach((check, i) => {
    const path = `checks[${i}] (${check.id})`;
    const probe = probeRegistry.get(check.kind)!;
    // A probe that calls no AWS API connects to its target itself: that target must be reachable from where it runs.
    if (!probe.uses.aws?.length && check.network !== 'vpc') {
      const target = probe.describeTarget(check as never);
      const why = unreachableFromOutside(hostOf(target));
      if (why)
        traps.push({
          path,
          message: `its target ${hostOf(target)} is ${why}: a function outside your VPC cannot reach it; set network: 'vpc' (and the config's network)`,
        });
    }
    if ((check as { ssl?: unknown }).ssl === 'disable' && check.network !== 'vpc')
      traps.push({ path, message: "ssl: 'disable' outside a VPC sends its password in clear over the internet; use 'require' or 'verify-full'" });
  });
  const items = [
    ...config.checks.map((c, i) => ({ item: c, path: `checks[${i}] (${c.id})` })),
    ...config.remediations.map((r, i) => ({ item: r, path: `remediations[${i}] (${r.id})` })),
  ];
  for (const { item, path } of items)
    for (const source of envSources(item, path))
      traps.push({
        path: source.path,
        message: `reads ${source.name} from the environment: a deployed function has no such variable; keep it in Secrets Manager and write { secret: '<its name or ARN>' }`,
      });
  const created = new Set(config.alarms.map(nameOfAlarm));
  config.runbooks.forEach((runbook, i) => {
    const named = runbook.match.alarmNames?.filter((n) => !created.has(n)) ?? [];
    if (named.length)
      traps.push({
        path: `runbooks[${i}] (${runbook.id})`,
        message: `answers ${named.map((n) => `"${n}"`).join(', ')}, which this config does not create: it starts only if an alarm of that exact name exists in the account (declare it under alarms, or match it with match.alarms)`,
      });
  });
  if (config.alarms.length) {
    const names = config.alarms.map(nameOfAlarm);
    traps.push({
      path: 'alarms',
      message: `${names.length} alarm${names.length > 1 ? 's keep their names' : ' keeps its name'} in every environment (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}): a second environment of this config in the same account collides on them; deploy each environment to its own account, or give them names of its own`,
    });
  }
  return traps;
}
