import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { AllowedMethods, CachePolicy, Distribution, PriceClass, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';

/**
 * Where notify writes the status page (index.html, summary.json, feed.atom): a private bucket, encrypted,
 * TLS only. Nothing in it is public by itself: serve it (CloudFront with origin access control, say) or copy it.
 */
export class StatusPage extends Construct {
  readonly bucket: Bucket;
  /** The page's address, when it is served through CloudFront. */
  readonly url?: string;

  constructor(scope: Construct, id: string, props: { cloudfront: boolean }) {
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
    if (props.cloudfront) this.url = `https://${this.distribution().distributionDomainName}/`;
  }

  /** HTTPS in front of the bucket, which lets in CloudFront for this distribution alone (origin access control). */
  private distribution(): Distribution {
    const cdn = new Distribution(this, 'Cdn', {
      comment: 'Vigil status page',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      },
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    Validations.of(cdn).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'A status page is for readers anywhere: no country is refused.' },
      { id: 'AwsSolutions-CFR2', reason: "Static files, read-only (GET and HEAD), no origin logic to protect: a web ACL is the account owner's to add." },
      { id: 'AwsSolutions-CFR3', reason: 'Access logs would need a bucket of their own; the distribution serves three public files.' },
      {
        id: 'AwsSolutions-CFR4',
        reason: 'The default *.cloudfront.net certificate allows no minimum protocol of its own; with a custom domain and certificate, set TLSv1.2_2021.',
      },
    );
    return cdn;
  }
}
