import { AssetHashType, DockerImage, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function, LoggingFormat, Runtime, SystemLogLevel } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { VigilConfig } from '../../shared/config/schema.js';
import { NODE_OPTIONS, ROOT, type AwsClient, type BundleRequest, type ChecksBuiltIn, type Driver } from '../bundle.js';
import { checksBuiltIn } from '../needs.js';

export interface VigilFunctionProps {
  /** The folder under functions/, e.g. `run-checks`. */
  readonly name: string;
  /** @default 256 */
  readonly memorySize?: number;
  /**
   * Leave out Lambda's own START and REPORT lines (system logs at WARN): for the functions that run every minute
   * per bucket, where they would be a third of the logs bill. Duration and errors stay in Lambda's metrics. @default false
   */
  readonly quietPlatformLogs?: boolean;
  readonly timeout: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  readonly environment?: Record<string, string>;
  /** A fixed name, for functions people invoke by hand. @default generated */
  readonly functionName?: string;
  /** Where an asynchronous invocation goes after its retries fail. None for a function only ever called synchronously. */
  readonly deadLetterQueue: IQueue | undefined;
  /** Retries of a failed asynchronous invocation. @default 2 */
  readonly retryAttempts?: number;
  /** Caps how many run at once, so a storm cannot starve the account or hammer a target. @default none */
  readonly reservedConcurrency?: number;
  /** Placement in a VPC, for functions that reach private addresses. @default none */
  readonly vpc?: { vpc: IVpc; subnets: SubnetSelection; securityGroups: ISecurityGroup[] };
  /** Database drivers its checks or remediations load; the others stay out of its bundle. @default none */
  readonly drivers?: readonly Driver[];
  /** AWS SDK clients (besides DynamoDB's) its checks or remediations call; the others stay out. @default none */
  readonly aws?: readonly AwsClient[];
  /** Files shipped beside the code at the same path relative to the project, e.g. a CA bundle. @default none */
  readonly files?: readonly string[];
  /** The kinds of check and remediation it runs; the others' code stays out. @default none */
  readonly kinds?: readonly string[];
  /** Files written beside the code, by path relative to it, e.g. a tick's plan. @default none */
  readonly generatedFiles?: Readonly<Record<string, string>>;
  /** The validated config; the function is built with it, so it runs what the stack planned. */
  readonly config: VigilConfig;
  /** How long an asynchronous event may wait (throttled) before it goes to the dead-letter queue. @default 1 hour */
  readonly maxEventAge?: Duration;
}

/**
 * A Vigil Lambda: Node.js 22 on arm64, a minified ESM bundle with source maps, JSON logs kept for a
 * set time, a role of its own that may write only its own log group, and a DLQ for async failures.
 */
export class VigilFunction extends Function {
  constructor(scope: Construct, id: string, props: VigilFunctionProps) {
    // Its logs go with the function: kept, they would only pile up, deploy after deploy.
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention ?? RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Vigil ${props.name}` });
    logGroup.grantWrite(role);
    if (props.vpc) {
      // Lambda needs to create and delete its network interfaces; AWS documents this managed policy for it.
      role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'The network-interface permissions a VPC Lambda needs; its log permissions are unused (the role writes only its own log group otherwise).',
      });
    }
    super(scope, id, {
      code: bundled(
        {
          name: props.name,
          drivers: props.drivers ?? [],
          aws: props.aws ?? [],
          files: props.files ?? [],
          kinds: props.kinds ?? [],
          config: props.config,
          ...checksOf(props),
        },
        props.generatedFiles ?? {},
      ),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      timeout: props.timeout,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      ...(props.quietPlatformLogs ? { systemLogLevelV2: SystemLogLevel.WARN } : {}),
      ...(props.deadLetterQueue ? { onFailure: new SqsDestination(props.deadLetterQueue) } : {}),
      retryAttempts: props.deadLetterQueue ? (props.retryAttempts ?? 2) : 0,
      maxEventAge: props.maxEventAge ?? Duration.hours(1),
      ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      ...(props.vpc ? { vpc: props.vpc.vpc, vpcSubnets: props.vpc.subnets, securityGroups: props.vpc.securityGroups } : {}),
      environment: {
        NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: 'vigil',
        ...props.environment,
      },
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime Vigil is built and tested for (the machines that test it run Node 20 and 22); a newer runtime is adopted after the suite passes on it.',
      },
      { id: 'Serverless-LambdaLatestVersion', reason: 'Same as AwsSolutions-L1: Node.js 22 is the tested runtime.' },
      {
        id: 'Serverless-LambdaDLQ',
        reason: props.deadLetterQueue
          ? 'Failed asynchronous invocations go to an on-failure destination (an SQS queue, alarmed), which keeps the request and the error, unlike a DLQ.'
          : 'Only ever invoked synchronously: its caller gets the error, and says it.',
      },
      ...(props.deadLetterQueue
        ? []
        : [
            {
              id: 'Serverless-LambdaAsyncFailureDestination',
              reason: 'Only ever invoked synchronously, with no retries: its caller gets the error, and says it.',
            },
          ]),
      {
        id: 'Serverless-LambdaTracing',
        reason: 'Structured JSON logs and EMF metrics carry what an operator needs; X-Ray would add cost per check run for little more.',
      },
    );
  }
}

/** The checks its code holds, by what the function reads (infra/needs.ts); `apart`, they are among its generated files. */
function checksOf({ name, config }: VigilFunctionProps): { checks?: ChecksBuiltIn } {
  const checks = checksBuiltIn(name, config);
  return checks ? { checks } : {};
}

/** What names a build: its request, its config and the files written beside it, hashed piece by piece (they can be large). */
function buildHash(request: object, config: VigilConfig, generated: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256').update(JSON.stringify(request)).update(JSON.stringify(config));
  for (const [file, content] of Object.entries(generated)) hash.update(file).update(content);
  return hash.digest('hex');
}

/**
 * The function's code, built by infra/bundle.ts (the same build the benchmarks measure). The CDK app
 * is synchronous and the build is not, so it runs in a child process. Docker is never needed.
 */
function bundled({ config, ...request }: Omit<BundleRequest, 'outdir'>, generated: Readonly<Record<string, string>>): Code {
  return Code.fromAsset(join(ROOT, 'functions', request.name), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // The CDK caches assets by source folder and bundling options, not by what `tryBundle` builds:
      // naming the build here keeps the VPC run-checks function (other drivers) and a second stack
      // (another config) from being handed the first build of the folder. Only the cache reads it.
      environment: { VIGIL_BUILD: buildHash(request, config, generated) },
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'), // unused: the local build always runs
      local: {
        tryBundle(outdir: string) {
          const scratch = mkdtempSync(join(tmpdir(), 'vigil-config-'));
          try {
            const configFile = join(scratch, 'config.json');
            writeFileSync(configFile, JSON.stringify(config));
            execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'infra', 'bundle.ts'), JSON.stringify({ ...request, outdir, configFile })], {
              cwd: ROOT,
              stdio: ['ignore', 'inherit', 'inherit'],
            });
          } finally {
            rmSync(scratch, { recursive: true, force: true });
          }
          for (const [file, content] of Object.entries(generated)) {
            mkdirSync(dirname(join(outdir, file)), { recursive: true });
            writeFileSync(join(outdir, file), content);
          }
          return true;
        },
      },
    },
  });
}
