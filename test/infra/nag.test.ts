import { App, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VigilStack } from '../../infra/vigil-stack.js';
import { loadConfigFile, parseConfig } from '../../shared/config/load.js';
import type { VigilConfig } from '../../shared/config/schema.js';

/** Synthesises with the AwsSolutions and Serverless packs, as `cdk synth` does, and returns every unacknowledged finding. */
function findings(config: VigilConfig, tamper?: (stack: VigilStack) => void): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'vigil-nag-'));
  // The rules read the template; bundling the functions' code would only make this slower.
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new VigilStack(app, 'Nag', { config, environmentName: 'test' });
  tamper?.(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  try {
    app.synth();
    return [];
  } catch {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
    };
    return report.pluginReports.flatMap((r) => r.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)));
  }
}

describe('cdk-nag (AwsSolutions and Serverless)', () => {
  it('finds nothing unacknowledged in the sample deployment', async () => {
    expect(findings(await loadConfigFile('vigil.config.ts'))).toEqual([]);
  });

  it('finds nothing unacknowledged with the status page served through CloudFront', () => {
    const config = parseConfig({ checks: [{ id: 'a', kind: 'tcp', target: 'a:1', tags: { service: 'orders' } }], statusPage: { cloudfront: true } });
    expect(findings(config)).toEqual([]);
  });

  it('finds nothing unacknowledged with checks in a VPC, databases, and every kind of remediation', () => {
    const config = parseConfig({
      network: {
        vpcId: 'vpc-0a1b2c3d',
        subnets: [
          { id: 'subnet-0a1', availabilityZone: 'eu-west-1a' },
          { id: 'subnet-0b2', availabilityZone: 'eu-west-1b' },
        ],
      },
      checks: [
        { id: 'db', kind: 'tcp', target: 'db.internal:5432', network: 'vpc', group: 'databases' },
        { id: 'svc', kind: 'ecs-service', target: 'prod/api' },
        { id: 'cpu', kind: 'metric', preset: 'ecs-cpu', target: 'prod/api' },
        { id: 'docdb', kind: 'docdb-cluster', target: 'orders-docdb' },
        { id: 'docdb-backup', kind: 'docdb-cluster', target: 'orders-docdb', measure: 'backup' },
        { id: 'pg', kind: 'pg', target: 'db.internal:5432/orders', password: { secret: 'orders-db-vigil' }, network: 'vpc' },
      ],
      remediations: [
        { id: 'restart', kind: 'ecs-restart', target: 'prod/api' },
        { id: 'rollback', kind: 'ecs-rollback', target: 'prod/api', mode: 'propose' },
        { id: 'snap', kind: 'docdb-snapshot', target: 'orders-docdb' },
        { id: 'failover', kind: 'docdb-failover', target: 'orders-docdb', mode: 'propose' },
        { id: 'kill-idle', kind: 'pg-terminate-idle', target: 'db.internal:5432/orders', password: { secret: 'orders-db-vigil' } },
      ],
      runbooks: [{ id: 'rb', match: { alarmPrefix: 'api-' }, steps: [{ act: 'restart' }] }],
    });
    expect(findings(config)).toEqual([]);
  });

  it('reports what it is not told about: an unacknowledged wildcard fails the synth', async () => {
    const config = await loadConfigFile('vigil.config.ts');
    const careless = (stack: VigilStack) =>
      new Role(stack, 'Careless', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
        new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
      );
    expect(findings(config, careless)).toEqual([
      'AwsSolutions-IAM5[Action::s3:*] at Nag/Careless/DefaultPolicy/Resource',
      'AwsSolutions-IAM5[Resource::*] at Nag/Careless/DefaultPolicy/Resource',
    ]);
  });
});
