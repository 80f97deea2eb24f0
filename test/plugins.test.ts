import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_CLIENTS } from '../infra/aws-clients.js';
import { pluginFiles } from '../infra/plugin-files.js';
import { probeRegistry } from '../shared/probes/index.js';
import { remediationRegistry } from '../shared/remediations/index.js';
import { DRIVERS, type Uses } from '../shared/uses.js';

// A plug-in is its file, its test and its registry line: what it calls is read from its code and held
// to what it declares, so a kind that leaves a client out of `uses` (and out of its bundle and role) fails here.
const ROOT = resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };

const kindFiles = new Map([...pluginFiles('probes'), ...pluginFiles('remediations')].map(([kind, file]) => [kind, relative(ROOT, file)]));

/** A kind's code: its file and the helpers it imports, transitively (another kind's file is its own plug-in, not followed). */
function codeOf(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const imports = [...read(file).matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
  const helpers = imports.filter((f) => /^shared\/(probes|remediations|db)\//.test(f) && ![...kindFiles.values()].includes(f));
  return [read(file), ...helpers.flatMap((f) => codeOf(f, seen))];
}

/** The AWS clients code calls through its ports (`aws.ecs…`); Secrets Manager is granted from the settings (a `{ secret }`), never declared. */
const clientsIn = (code: string) =>
  [...new Set([...code.matchAll(/\baws\??\.([a-z]+)\b/g)].map((m) => m[1]!))].filter((c) => c !== 'secrets' && (AWS_CLIENTS as string[]).includes(c));
const undeclared = (code: string, uses: Uses) => clientsIn(code).filter((c) => !(uses.aws ?? []).includes(c as never));

const plugins = [
  ...[...probeRegistry.values()].map((p) => ['probe', p] as const),
  ...[...remediationRegistry.values()].map((r) => ['remediation', r] as const),
];

describe('a probe or remediation declares what it calls', () => {
  it('is found by its kind in one file of its folder', () => {
    expect([...probeRegistry.keys(), ...remediationRegistry.keys()].filter((k) => !kindFiles.has(k))).toEqual([]);
  });

  it.each(plugins.map(([what, p]) => [`${what} ${p.kind}`, p.kind, p.uses] as const))(
    'the %s calls only the AWS clients and driver its `uses` names',
    (_, kind, uses: Uses) => {
      const code = codeOf(kindFiles.get(kind)!).join('\n');
      expect(undeclared(code, uses)).toEqual([]);
      const drivers = DRIVERS.filter((d) => new RegExp(`(from |import\\()'${d.replace('/', '\\/')}'`).test(code));
      expect(drivers.filter((d) => d !== uses.driver)).toEqual([]);
    },
  );

  it.each(plugins.filter(([, p]) => (p.uses.aws ?? []).some((c) => c !== 'secrets')).map(([what, p]) => [`${what} ${p.kind}`, p] as const))(
    'the %s, which calls AWS, declares the IAM statements it needs',
    (_, plugin) => {
      expect(typeof plugin.permissions).toBe('function');
    },
  );

  it('catches a kind that leaves a client out: the check reads the code, not the declaration', () => {
    const code = codeOf(kindFiles.get('rds-failover')!).join('\n');
    expect(undeclared(code, {})).toEqual(['rds']);
    expect(undeclared(`${code}\nawait aws.ecs.describeService(target);`, { aws: ['rds'] })).toEqual(['ecs']);
  });
});

describe('each AWS client', () => {
  it.each(AWS_CLIENTS.map((c) => [c]))('%s has its adapter, whose packages the project depends on', (client) => {
    const adapter = read(`shared/aws/${client}.ts`);
    const packages = [...adapter.matchAll(/from '(@[^/']+\/[^/']+|[^.@/'][^/']*)[^']*'/g)].map((m) => m[1]!).filter((p) => !p.startsWith('node:'));
    expect(packages.length, `shared/aws/${client}.ts imports no SDK package`).toBeGreaterThan(0);
    expect(packages.filter((p) => !(p in pkg.dependencies))).toEqual([]);
  });
});
