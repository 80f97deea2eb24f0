import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Where work that failed all its retries waits for a human: encrypted, TLS only, kept 14 days. */
export class DeadLetterQueue extends Queue {
  constructor(scope: Construct, id: string) {
    super(scope, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue; what lands here waits for a human, watched by an alarm.' },
      { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself a dead-letter queue; nothing consumes it automatically.' },
    );
  }
}
