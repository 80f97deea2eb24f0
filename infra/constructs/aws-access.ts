import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { VigilConfig } from '../../shared/config/schema.js';
import { parseEcsTarget } from '../../shared/probes/ecs-target.js';

/** IAM for what the config names: each statement scoped to the services and clusters in it. */
export class AwsAccess {
  constructor(private readonly config: VigilConfig) {}

  /** Reading what the ecs-service and metric probes read. */
  grantProbes(grantee: IGrantable): void {
    const stack = Stack.of(grantee.grantPrincipal as never);
    const ecsTargets = this.config.checks.filter((c) => c.kind === 'ecs-service').map((c) => parseEcsTarget(c.target));
    const arn = (resource: string) => stack.formatArn({ service: 'ecs', resource });
    if (ecsTargets.length) {
      add(grantee, ['ecs:DescribeServices'], ecsTargets.map((t) => arn(`service/${t.cluster}/${t.service}`)));
      add(grantee, ['ecs:DescribeTasks'], unique(ecsTargets.map((t) => arn(`task/${t.cluster}/*`))));
      // ListTasks is authorised on container instances; the condition keeps it to the configured clusters.
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['ecs:ListTasks'], resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': unique(ecsTargets.map((t) => arn(`cluster/${t.cluster}`))) } } }),
      );
    }
    if (this.config.checks.some((c) => c.kind === 'metric')) {
      // GetMetricData has no resource-level permissions: AWS only accepts "*" here.
      add(grantee, ['cloudwatch:GetMetricData'], ['*']);
    }
  }

  /** Acting on the configured remediation targets, and reading what their plans read. */
  grantRemediations(grantee: IGrantable): void {
    const stack = Stack.of(grantee.grantPrincipal as never);
    const arn = (resource: string) => stack.formatArn({ service: 'ecs', resource });
    const ecs = this.config.remediations.filter((r) => r.kind.startsWith('ecs-')).map((r) => ({ kind: r.kind, ...parseEcsTarget(r.target) }));
    if (!ecs.length) return;
    const services = unique(ecs.map((t) => arn(`service/${t.cluster}/${t.service}`)));
    add(grantee, ['ecs:DescribeServices', 'ecs:UpdateService'], services);
    const rollbacks = ecs.filter((t) => t.kind === 'ecs-rollback');
    if (rollbacks.length) {
      add(grantee, ['ecs:ListServiceDeployments'], unique(rollbacks.map((t) => arn(`service/${t.cluster}/${t.service}`))));
      add(grantee, ['ecs:DescribeServiceDeployments'], unique(rollbacks.map((t) => arn(`service-deployment/${t.cluster}/${t.service}/*`))));
      add(grantee, ['ecs:DescribeServiceRevisions'], unique(rollbacks.map((t) => arn(`service-revision/${t.cluster}/${t.service}/*`))));
    }
  }
}

function add(grantee: IGrantable, actions: string[], resources: string[]) {
  grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
}

const unique = <T>(items: T[]) => [...new Set(items)];
