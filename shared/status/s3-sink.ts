import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { REQUEST_TIMEOUTS } from '../aws/timeouts.js';
import type { StatusFile, StatusSink } from './publish.js';

/** The page's files in its private bucket. A put is idempotent (the same page again), so the SDK's own retries are fine. */
export class S3StatusSink implements StatusSink {
  private readonly s3: S3Client;

  constructor(
    private readonly bucket: string,
    config: S3ClientConfig = {},
  ) {
    // An endpoint of your own (an S3-compatible store, a local one) is addressed by path, not by bucket host name.
    this.s3 = new S3Client({ requestHandler: REQUEST_TIMEOUTS, ...(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}), ...config });
  }

  async write(files: readonly StatusFile[]): Promise<void> {
    for (const file of files) {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: file.path,
          // Stored gzipped, as browsers take it: the page's many day bars compress to a twentieth (bench/results.md).
          Body: gzipSync(file.body),
          ContentEncoding: 'gzip',
          ContentType: file.contentType,
          // Readers and CloudFront look again within a minute.
          CacheControl: 'max-age=60',
        }),
      );
    }
  }
}
