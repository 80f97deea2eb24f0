import type { Service, WireResponse } from './faulty-handler.js';

/**
 * AWS Certificate Manager behind the awsJson1_1 protocol, in process: one issued, managed certificate per name
 * given, in use and a year from expiry, as the API reference shapes ListCertificates and DescribeCertificate.
 */
export function fakeAcm(names: string[]): Service {
  const arn = (name: string) => `arn:aws:acm:eu-west-1:123456789012:certificate/${name.replaceAll('.', '-')}`;
  const notAfter = Date.now() / 1000 + 365 * 86_400;
  return async (request, text): Promise<WireResponse> => {
    const op = (request.headers['x-amz-target'] ?? '').split('.')[1];
    const body = JSON.parse(text || '{}') as { CertificateArn?: string };
    switch (op) {
      case 'ListCertificates':
        return json(200, {
          CertificateSummaryList: names.map((n) => ({ CertificateArn: arn(n), DomainName: n, SubjectAlternativeNameSummaries: [n], Status: 'ISSUED' })),
        });
      case 'DescribeCertificate': {
        const name = names.find((n) => arn(n) === body.CertificateArn);
        if (!name) return json(400, { __type: 'ResourceNotFoundException', message: `no certificate ${body.CertificateArn}` });
        return json(200, {
          Certificate: {
            CertificateArn: arn(name),
            DomainName: name,
            SubjectAlternativeNames: [name],
            Status: 'ISSUED',
            Type: 'AMAZON_ISSUED',
            NotAfter: notAfter,
            RenewalEligibility: 'ELIGIBLE',
            InUseBy: ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/api/1'],
          },
        });
      }
      default:
        return json(400, { __type: 'InvalidOperationException', message: `fake ACM does not answer ${op}` });
    }
  };
}

const json = (statusCode: number, body: unknown): WireResponse => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(body),
});
