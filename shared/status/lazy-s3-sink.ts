import type { StatusSink } from './publish.js';

/** A sink whose S3 client loads on the first page written: a cold start that writes none does not pay for it. */
export function lazyS3StatusSink(bucket: string): StatusSink {
  let loaded: Promise<StatusSink> | undefined;
  return { write: async (files) => (await (loaded ??= import('./s3-sink.js').then((m) => new m.S3StatusSink(bucket)))).write(files) };
}
