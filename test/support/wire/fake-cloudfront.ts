import type { Service, WireResponse } from './faulty-handler.js';

const XMLNS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

/** CloudFront's REST operations by method and path, as the API reference lays them out. */
export function cloudfrontOperation(method: string, path: string): string {
  if (/\/invalidation\/[^/]+$/.test(path)) return 'GetInvalidation';
  if (/\/invalidation$/.test(path)) return method === 'POST' ? 'CreateInvalidation' : 'ListInvalidations';
  if (/\/distribution\/[^/]+$/.test(path)) return 'GetDistribution';
  return `${method} ${path}`;
}

/**
 * One CloudFront distribution behind the restXml protocol, in process. As CloudFront does, a
 * CreateInvalidation with a caller reference it has seen returns that invalidation, never a second.
 */
export class FakeCloudfront {
  readonly id = 'E2QWRUHAPOMQZL';
  /** Invalidations the service created: the number that must never exceed one per event. */
  created: { id: string; reference: string; paths: string[]; at: Date }[] = [];

  readonly handler: Service = async (request, body): Promise<WireResponse> => {
    const path = request.path.split('?')[0]!;
    switch (cloudfrontOperation(request.method, path)) {
      case 'GetDistribution':
        return xml(
          200,
          `<Distribution xmlns="${XMLNS}"><Id>${this.id}</Id><Status>Deployed</Status><DomainName>d111111abcdef8.cloudfront.net</DomainName><DistributionConfig><Enabled>true</Enabled></DistributionConfig></Distribution>`,
        );
      case 'CreateInvalidation': {
        const reference = /<CallerReference>([^<]*)<\/CallerReference>/.exec(body)?.[1] ?? '';
        const paths = [...body.matchAll(/<Path>([^<]*)<\/Path>/g)].map((m) => m[1]!);
        let found = this.created.find((c) => c.reference === reference);
        // CloudFront stamps it with its own clock: the real one.
        if (!found) this.created.push((found = { id: `I${this.created.length + 1}ABCDEF`, reference, paths, at: new Date() }));
        return xml(201, this.invalidation(found));
      }
      case 'ListInvalidations': {
        const items = [...this.created]
          .reverse()
          .map((c) => `<InvalidationSummary><Id>${c.id}</Id><CreateTime>${c.at.toISOString()}</CreateTime><Status>InProgress</Status></InvalidationSummary>`);
        return xml(
          200,
          `<InvalidationList xmlns="${XMLNS}"><Marker></Marker><MaxItems>20</MaxItems><IsTruncated>false</IsTruncated><Quantity>${items.length}</Quantity><Items>${items.join('')}</Items></InvalidationList>`,
        );
      }
      case 'GetInvalidation': {
        const found = this.created.find((c) => path.endsWith(`/${c.id}`));
        return found
          ? xml(200, this.invalidation(found))
          : xml(
              404,
              `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>NoSuchInvalidation</Code><Message>The specified invalidation does not exist.</Message></Error></ErrorResponse>`,
            );
      }
      default:
        return xml(
          400,
          `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>InvalidArgument</Code><Message>fake CloudFront does not answer ${request.method} ${path}</Message></Error></ErrorResponse>`,
        );
    }
  };

  private invalidation(c: { id: string; reference: string; paths: string[]; at: Date }) {
    const items = c.paths.map((p) => `<Path>${p}</Path>`).join('');
    return `<Invalidation xmlns="${XMLNS}"><Id>${c.id}</Id><Status>InProgress</Status><CreateTime>${c.at.toISOString()}</CreateTime><InvalidationBatch><Paths><Quantity>${c.paths.length}</Quantity><Items>${items}</Items></Paths><CallerReference>${c.reference}</CallerReference></InvalidationBatch></Invalidation>`;
  }
}

const xml = (statusCode: number, body: string): WireResponse => ({ statusCode, headers: { 'content-type': 'text/xml' }, body });
