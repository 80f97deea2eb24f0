import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  type ECSClientConfig,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { readWriteClients } from './retries.js';
import { TargetUnresolvedError } from '../errors.js';

export interface EcsDeployment {
  /** ECS's deployment id (`ecs-svc/…`): a new one means a new deployment. */
  id: string;
  status: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  rolloutState?: string | undefined;
  rolloutStateReason?: string | undefined;
  createdAt?: Date | undefined;
}

export interface EcsService {
  cluster: string;
  service: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  taskDefinition: string;
  deployments: EcsDeployment[];
  events: { createdAt?: Date | undefined; message: string }[];
  minimumHealthyPercent?: number | undefined;
}

export interface StoppedTask {
  taskArn: string;
  stoppedAt?: Date | undefined;
  stoppedReason?: string | undefined;
  stopCode?: string | undefined;
  containers: { name: string; exitCode?: number | undefined; reason?: string | undefined }[];
}

/** What Vigil does with ECS; the SDK adapter below, a simulated service in the demo. */
export interface EcsPort {
  describeService(cluster: string, service: string, signal?: AbortSignal): Promise<EcsService>;
  recentlyStoppedTasks(cluster: string, service: string, limit: number, signal?: AbortSignal): Promise<StoppedTask[]>;
  /** The task definition the service ran before its latest deployment; TargetUnresolvedError unless exactly one. */
  previousTaskDefinition(cluster: string, service: string, signal?: AbortSignal): Promise<string>;
  updateService(input: { cluster: string; service: string; forceNewDeployment?: boolean; desiredCount?: number; taskDefinition?: string }): Promise<void>;
}

export class SdkEcs implements EcsPort {
  private readonly ecs: ECSClient;
  /** UpdateService goes through its own client: retried only on throttling, never blindly. */
  private readonly writes: ECSClient;

  constructor(overrides: ECSClientConfig = {}) {
    ({ reads: this.ecs, writes: this.writes } = readWriteClients(ECSClient, overrides));
  }

  async describeService(cluster: string, service: string, signal?: AbortSignal): Promise<EcsService> {
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }), { abortSignal: signal });
    if (out.failures?.length) throw new TargetUnresolvedError(`ECS could not describe ${cluster}/${service}: ${out.failures.map((f) => f.reason).join(', ')}`);
    const s = out.services?.[0];
    if (!s || out.services!.length !== 1) throw new TargetUnresolvedError(`ECS returned ${out.services?.length ?? 0} services for ${cluster}/${service}`);
    return {
      cluster,
      service,
      status: s.status ?? 'UNKNOWN',
      desiredCount: s.desiredCount ?? 0,
      runningCount: s.runningCount ?? 0,
      pendingCount: s.pendingCount ?? 0,
      taskDefinition: s.taskDefinition ?? '',
      deployments: (s.deployments ?? []).map((d) => ({
        id: d.id ?? '',
        status: d.status ?? '',
        taskDefinition: d.taskDefinition ?? '',
        desiredCount: d.desiredCount ?? 0,
        runningCount: d.runningCount ?? 0,
        pendingCount: d.pendingCount ?? 0,
        failedTasks: d.failedTasks ?? 0,
        rolloutState: d.rolloutState,
        rolloutStateReason: d.rolloutStateReason,
        createdAt: d.createdAt,
      })),
      events: (s.events ?? []).map((e) => ({ createdAt: e.createdAt, message: e.message ?? '' })),
      minimumHealthyPercent: s.deploymentConfiguration?.minimumHealthyPercent,
    };
  }

  async recentlyStoppedTasks(cluster: string, service: string, limit: number, signal?: AbortSignal): Promise<StoppedTask[]> {
    const list = await this.ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: limit }), {
      abortSignal: signal,
    });
    if (!list.taskArns?.length) return [];
    const out = await this.ecs.send(new DescribeTasksCommand({ cluster, tasks: list.taskArns }), { abortSignal: signal });
    return (out.tasks ?? [])
      .map((t) => ({
        taskArn: t.taskArn ?? '',
        stoppedAt: t.stoppedAt,
        stoppedReason: t.stoppedReason,
        stopCode: t.stopCode,
        containers: (t.containers ?? []).map((c) => ({ name: c.name ?? '', exitCode: c.exitCode, reason: c.reason })),
      }))
      .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0));
  }

  async previousTaskDefinition(cluster: string, service: string, signal?: AbortSignal): Promise<string> {
    const listed = await this.ecs.send(new ListServiceDeploymentsCommand({ cluster, service, maxResults: 1 }), { abortSignal: signal });
    const latest = listed.serviceDeployments?.[0];
    if (!latest?.serviceDeploymentArn) throw new TargetUnresolvedError(`${cluster}/${service} has no deployment history to roll back to`);
    const described = await this.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [latest.serviceDeploymentArn] }), {
      abortSignal: signal,
    });
    const sources = described.serviceDeployments?.[0]?.sourceServiceRevisions ?? [];
    if (described.failures?.length || sources.length !== 1) {
      throw new TargetUnresolvedError(`the latest deployment of ${cluster}/${service} has ${sources.length} source revisions; rollback needs exactly one`);
    }
    const revisions = await this.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [sources[0]!.arn!] }), { abortSignal: signal });
    const taskDefinition = revisions.serviceRevisions?.[0]?.taskDefinition;
    if (revisions.failures?.length || !taskDefinition) throw new TargetUnresolvedError(`cannot read the previous revision of ${cluster}/${service}`);
    return taskDefinition;
  }

  async updateService(input: {
    cluster: string;
    service: string;
    forceNewDeployment?: boolean;
    desiredCount?: number;
    taskDefinition?: string;
  }): Promise<void> {
    await this.writes.send(new UpdateServiceCommand(input));
  }
}

/** The port `aws.ecs` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): EcsPort => new SdkEcs();

declare module './ports.js' {
  interface AwsPortMap {
    ecs: EcsPort;
  }
}
