import { gunzipSync } from 'node:zlib';
import type { Service, WireResponse } from './faulty-handler.js';

/** S3 PutObject (path style), in process: the objects written, by bucket and key. */
export class FakeS3 {
  readonly objects = new Map<string, { body: string; contentType: string; contentEncoding: string }>();

  readonly handler: Service = async (request, body): Promise<WireResponse> => {
    if (request.method !== 'PUT')
      return { statusCode: 405, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>MethodNotAllowed</Code></Error>' };
    const key = decodeURIComponent(request.path.split('?')[0]!.replace(/^\//, ''));
    const encoding = request.headers['content-encoding'] ?? '';
    // What a browser reads: the object as stored, unzipped when it says it is gzipped.
    const text = encoding === 'gzip' && request.raw ? gunzipSync(request.raw).toString('utf8') : body;
    this.objects.set(key, { body: text, contentType: request.headers['content-type'] ?? '', contentEncoding: encoding });
    return { statusCode: 200, headers: { etag: `"${this.objects.size}"` }, body: '' };
  };
}
