import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertingProps {
  /** Subscribes this address to the alerts topic. @default no subscription */
  readonly alertEmail?: string;
  /** Subscribes this address to the escalation topic. @default no subscription */
  readonly escalationEmail?: string;
  /** Subscribes this address to the stakeholders topic (status updates). @default no subscription */
  readonly stakeholderEmail?: string;
  /** A team's own topics, used as they are (their policies and keys are the team's). @default Vigil's own */
  readonly topics?: { readonly alerts: ITopic; readonly escalations: ITopic; readonly stakeholders?: ITopic };
}

/**
 * The SNS topics Vigil speaks through: alerts, escalations for what nobody acknowledged, and stakeholders
 * for status updates while an incident lasts. KMS-encrypted, TLS only.
 */
export class Alerting extends Construct {
  readonly alerts: ITopic;
  readonly escalations: ITopic;
  readonly stakeholders: ITopic;
  private key?: Key;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    if (props.topics) {
      this.alerts = props.topics.alerts;
      this.escalations = props.topics.escalations;
    } else {
      [this.alerts, this.escalations] = this.ownTopics();
    }
    this.stakeholders =
      props.topics?.stakeholders ?? new Topic(this, 'Stakeholders', { displayName: 'Vigil status updates', masterKey: this.ownKey(), enforceSSL: true });
    if (props.alertEmail) this.alerts.addSubscription(new EmailSubscription(props.alertEmail));
    if (props.escalationEmail) this.escalations.addSubscription(new EmailSubscription(props.escalationEmail));
    if (props.stakeholderEmail) this.stakeholders.addSubscription(new EmailSubscription(props.stakeholderEmail));
  }

  /** Deleted with the stack (after KMS's 30-day waiting period): nothing outlives the topics it encrypts. */
  private ownKey(): Key {
    this.key ??= new Key(this, 'Key', {
      description: 'Encrypts Vigil notifications at rest',
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    return this.key;
  }

  private ownTopics(): [Topic, Topic] {
    const key = this.ownKey();
    const alerts = new Topic(this, 'Alerts', { displayName: 'Vigil alerts', masterKey: key, enforceSSL: true });
    const escalations = new Topic(this, 'Escalations', { displayName: 'Vigil escalations', masterKey: key, enforceSSL: true });
    // Vigil's alarms on itself publish to the alerts topic. Its policy replaces SNS's default one, so
    // CloudWatch must be let in by name, for this account's alarms only; and it needs the key.
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } };
    alerts.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudwatch], actions: ['sns:Publish'], resources: [alerts.topicArn], conditions: fromThisAccount }),
    );
    key.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudwatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions: fromThisAccount }),
    );
    return [alerts, escalations];
  }
}

/** Lets a function publish to KMS-encrypted topics: the topic grant, and the key's GenerateDataKey* acknowledged once here. */
export function grantPublishing(fn: IFunction, ...topics: ITopic[]): void {
  for (const topic of topics) topic.grantPublish(fn);
  Validations.of(fn.role!).acknowledge({
    id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason: 'Publishing to a KMS-encrypted topic needs GenerateDataKey* on its key; the statement names that one key.',
  });
}
