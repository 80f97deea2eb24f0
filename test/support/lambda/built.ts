import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { VigilStack } from '../../../infra/vigil-stack.js';
import { VigilRegionStack } from '../../../infra/region-stack.js';
import { regionsOf } from '../../../infra/regions.js';
import type { VigilConfig } from '../../../shared/config/schema.js';

/** One function of a synthesized stack, as Lambda would load it: its asset folder, Handler and environment. */
export interface BuiltFunction {
  id: string;
  handler: string;
  asset: string;
  environment: Record<string, string>;
  /** Every IAM action its role's policies allow. */
  allowed: Set<string>;
}

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

/** Inline policies, and the managed ones CDK adds when a role's inline policy outgrows IAM's limit. */
const POLICY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']);

/**
 * Synthesizes a stack with real bundling, and the stack of each other region its checks name, and reads back each
 * function and schedule. A region's function is named `<logical id>@<region>`. References to the stack's own
 * resources in an environment become local stand-ins: a function's logical id for its name, the table name
 * given, a bucket name, and topic ARNs.
 */
export function synthFunctions(
  config: VigilConfig,
  name: string,
  table: string,
): { functions: BuiltFunction[]; schedules: { target: string; input: unknown }[] } {
  const outdir = mkdtempSync(join(tmpdir(), `vigil-${name.toLowerCase()}-`));
  const app = new App({ outdir });
  const stack = new VigilStack(app, name, { config, environmentName: name.toLowerCase() });
  const regional = regionsOf(config).map(
    (region) => [region, new VigilRegionStack(app, `${name}-${region}`, { config, environmentName: name.toLowerCase(), region })] as const,
  );
  const assembly = app.synth();
  const resourcesOf = (s: { stackName: string }) => (assembly.getStackByName(s.stackName).template as { Resources: Resources }).Resources;
  const resources = resourcesOf(stack);
  const functions = [
    ...functionsOf(resources, outdir, table),
    ...regional.flatMap(([region, s]) => functionsOf(resourcesOf(s), outdir, table).map((f) => ({ ...f, id: `${f.id}@${region}` }))),
  ];
  const schedules = Object.values(resources)
    .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
    .map((r) => ({ target: r.Properties.Target.Arn['Fn::GetAtt'][0], input: JSON.parse(r.Properties.Target.Input) }));
  return { functions, schedules };
}

/** The functions of one stack's template, as Lambda would load them. */
function functionsOf(resources: Resources, outdir: string, table: string): BuiltFunction[] {
  const actionsOf = (roleId: string) =>
    new Set(
      Object.values(resources)
        .filter((r) => POLICY_TYPES.has(r.Type) && r.Properties.Roles?.some((x: { Ref: string }) => x.Ref === roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat())),
    );
  const isFunction = (value: unknown) => resources[(value as { Ref?: string }).Ref ?? '']?.Type === 'AWS::Lambda::Function';
  const local = (variables: Record<string, unknown> = {}) =>
    Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [
        key,
        typeof value === 'string'
          ? value
          : isFunction(value)
            ? (value as { Ref: string }).Ref
            : key === 'TABLE_NAME'
              ? table
              : key === 'STATUS_BUCKET'
                ? 'vigil-status-page'
                : `arn:aws:sns:eu-west-1:123456789012:${key.toLowerCase()}`,
      ]),
    );
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]) => ({
      id,
      handler: r.Properties.Handler,
      asset: join(outdir, `asset.${r.Properties.Code.S3Key.replace(/\.zip$/, '')}`),
      environment: local(r.Properties.Environment?.Variables),
      allowed: actionsOf(r.Properties.Role['Fn::GetAtt'][0]),
    }));
}
