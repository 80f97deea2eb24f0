import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { VigilConfig } from '../../shared/config/schema.js';
import { keys } from '../../shared/state/table.js';
import type { StateTable } from './state-table.js';
import { VigilFunction } from './vigil-function.js';

export interface HeartbeatsProps {
  readonly config: VigilConfig;
  readonly state: StateTable;
  readonly prefix: string;
  readonly deadLetterQueue: IQueue;
  /** Caps what a flood of requests to the public URL can take of the account's concurrency. @default no reservation */
  readonly reservedConcurrency?: number;
}

/**
 * Where jobs report in: a function URL (no IAM: the job sends the heartbeat's token), a token per
 * heartbeat generated into Secrets Manager, and a role that may write heartbeat items and nothing else.
 */
export class Heartbeats extends Construct {
  readonly url: FunctionUrl;
  readonly fn: VigilFunction;

  constructor(scope: Construct, id: string, props: HeartbeatsProps) {
    super(scope, id);
    const checks = props.config.checks.filter((c) => c.kind === 'heartbeat');
    const secretPrefix = `${props.prefix}/heartbeat/`;
    this.fn = new VigilFunction(this, 'Function', {
      name: 'heartbeat',
      config: props.config,
      aws: ['secrets'],
      timeout: Duration.seconds(10),
      environment: { TABLE_NAME: props.state.table.tableName, HEARTBEAT_SECRET_PREFIX: secretPrefix },
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: 0,
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
    });
    for (const check of checks) {
      const token = new Secret(this, `Token-${check.id}`, {
        secretName: `${secretPrefix}${check.id}`,
        description: `The token the job behind heartbeat ${check.id} sends to report in`,
        generateSecretString: { passwordLength: 40, excludePunctuation: true },
        removalPolicy: RemovalPolicy.DESTROY,
      });
      token.grantRead(this.fn);
      // A token a job holds is rotated by hand, with the job: a rotation Lambda could not tell the job.
      Validations.of(token).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'The token lives in the job that reports in: rotated by hand, together with the job, not by a rotation function.',
      });
    }
    // Only heartbeat items, by their key: a leaked token can write a report, nothing else.
    const { tableArn } = props.state.table;
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${keys.heartbeat('').pk}*`] } },
      }),
    );
    this.url = this.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    new CfnOutput(scope, 'HeartbeatUrl', {
      value: this.url.url,
      description: `Jobs report in with POST <url><check id> and "Authorization: Bearer <token>"; each token is the secret ${secretPrefix}<check id>`,
    });
  }
}
