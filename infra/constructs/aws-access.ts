import { Aws } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { CheckConfig, VigilConfig } from '../../shared/config/schema.js';
import { secretIds } from '../../shared/config/secrets.js';
import type { Arns, Grant } from '../../shared/permissions.js';
import { probeRegistry } from '../../shared/probes/index.js';
import { remediationRegistry } from '../../shared/remediations/index.js';
import { acknowledgeWildcards } from './nag.js';

/** ARNs in the deploying stack's partition, region and account (tokens CloudFormation resolves). */
const stackArns: Arns = {
  of: (service, resource) => `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`,
  global: (service, resource) => `arn:${Aws.PARTITION}:${service}::${Aws.ACCOUNT_ID}:${resource}`,
  inRegion: (region, service, resource) => `arn:${Aws.PARTITION}:${service}:${region}:${Aws.ACCOUNT_ID}:${resource}`,
};

/**
 * IAM from the registry: each probe and remediation declares the statements it needs for the targets
 * its settings name (`permissions`), and any `{ secret }` in its settings may be read. Nothing here
 * knows a kind: a new probe or remediation brings its permissions with it.
 */
export class AwsAccess {
  constructor(private readonly config: VigilConfig) {}

  /** What these checks' probes read (a function's own checks: no other check's secret or service). */
  grantProbes(grantee: IGrantable, checks: readonly CheckConfig[]): void {
    grant(grantee, this.probeGrants(checks));
  }

  /** Acting on the configured remediation targets and reading what their plans read; and what these checks (runbook steps) read. */
  grantRemediations(grantee: IGrantable, checks: readonly CheckConfig[] = []): void {
    grant(grantee, [
      ...this.probeGrants(checks),
      ...this.config.remediations.flatMap((r) => [...(remediationRegistry.get(r.kind)?.permissions?.(r as never, stackArns) ?? []), ...secretGrants(r)]),
    ]);
  }

  private probeGrants(checks: readonly CheckConfig[]): Grant[] {
    return checks.flatMap((c) => [...(probeRegistry.get(c.kind)?.permissions?.(c as never, stackArns) ?? []), ...secretGrants(c)]);
  }
}

/** A secret named without its ARN matches its six-character suffix, and nothing longer. */
function secretGrants(settings: object): Grant[] {
  const ids = secretIds(settings);
  return ids.length
    ? [
        {
          actions: ['secretsmanager:GetSecretValue'],
          resources: ids.map((id) => (id.startsWith('arn:') ? id : stackArns.of('secretsmanager', `secret:${id}-??????`))),
        },
      ]
    : [];
}

/**
 * One statement per set of actions and condition keys, its resources (and condition values) the union
 * of every grant's; each wildcard acknowledged once on the role, with every reason given for it.
 */
function grant(grantee: IGrantable, grants: Grant[]): void {
  const merged = new Map<string, { actions: string[]; resources: Set<string>; conditions?: Record<string, Record<string, Set<string>>> }>();
  const reasons = new Map<string, Set<string>>();
  for (const g of grants) {
    const shape = JSON.stringify([g.actions, Object.entries(g.conditions ?? {}).map(([op, keys]) => [op, Object.keys(keys)])]);
    const into = merged.get(shape) ?? { actions: g.actions, resources: new Set<string>(), ...(g.conditions ? { conditions: {} } : {}) };
    for (const r of g.resources) into.resources.add(r);
    for (const [op, keys] of Object.entries(g.conditions ?? {})) {
      for (const [key, values] of Object.entries(keys)) for (const v of values) ((into.conditions![op] ??= {})[key] ??= new Set()).add(v);
    }
    merged.set(shape, into);
    if (g.wildcard) for (const r of g.resources.filter((x) => x.includes('*'))) (reasons.get(r) ?? reasons.set(r, new Set()).get(r)!).add(g.wildcard);
  }
  // Then statements on the same resources under the same conditions become one: their actions' union.
  const statements = new Map<string, { actions: Set<string>; resources: string[]; conditions?: Record<string, Record<string, string[]>> | undefined }>();
  for (const { actions, resources, conditions } of merged.values()) {
    const condition =
      conditions &&
      Object.fromEntries(Object.entries(conditions).map(([op, keys]) => [op, Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, [...v]]))]));
    const key = JSON.stringify([[...resources].sort(), condition ?? null]);
    const into = statements.get(key) ?? { actions: new Set<string>(), resources: [...resources], conditions: condition };
    for (const a of actions) into.actions.add(a);
    statements.set(key, into);
  }
  for (const { actions, resources, conditions } of statements.values()) {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources, ...(conditions ? { conditions } : {}) }));
  }
  for (const [resource, why] of reasons) acknowledgeWildcards(grantee.grantPrincipal as unknown as IConstruct, [resource], [...why].join(' '));
}
