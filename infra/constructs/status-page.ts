import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * Where notify writes the status page (index.html, summary.json, feed.atom): a private bucket, encrypted,
 * TLS only. Nothing in it is public by itself: serve it (CloudFront with origin access control, say) or copy it.
 */
export class StatusPage extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      // Kept on destroy, like the state table: a bucket with objects cannot be deleted by CloudFormation, and the
      // page is drawn again at the next change of the next deploy.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the status page that notify writes; its one writer is named by IAM, and server access logs would need a second bucket with the same question.',
    });
  }
}
