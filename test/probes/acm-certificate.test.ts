import { ACMClient, DescribeCertificateCommand, ListCertificatesCommand, type CertificateDetail } from '@aws-sdk/client-acm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { covers, SdkAcm } from '../../shared/aws/acm.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { acmCertificateProbe } from '../../shared/probes/acm-certificate.js';
import { fixedClock, runOne } from '../support/checks.js';
import { undeclaredCalls } from '../support/declared-calls.js';
import { literalArns } from '../../shared/permissions.js';

// Shapes as the ACM API reference documents ListCertificates and DescribeCertificate.
const acm = mockClient(ACMClient);
const aws = { acm: new SdkAcm({ region: 'eu-west-1' }) } as unknown as AwsPorts;
const NOW = new Date('2026-12-05T03:00:00Z');
const run = (extra: object = {}) => runOne({ kind: 'acm-certificate', target: 'orders.example.com', ...extra } as never, { aws, clock: fixedClock(NOW) });
const arn = (id: string) => `arn:aws:acm:eu-west-1:123456789012:certificate/${id}`;
const inDays = (d: number) => new Date(NOW.getTime() + d * 86_400_000);

function certificates(...details: CertificateDetail[]) {
  acm.on(ListCertificatesCommand).resolves({
    CertificateSummaryList: [
      ...details.map((d) => ({ CertificateArn: d.CertificateArn, DomainName: d.DomainName, SubjectAlternativeNameSummaries: d.SubjectAlternativeNames })),
      { CertificateArn: arn('other'), DomainName: 'billing.example.org', SubjectAlternativeNameSummaries: ['billing.example.org'] },
    ],
  });
  for (const d of details) acm.on(DescribeCertificateCommand, { CertificateArn: d.CertificateArn }).resolves({ Certificate: d });
}

const issued = (over: Partial<CertificateDetail> = {}): CertificateDetail => ({
  CertificateArn: arn('orders'),
  DomainName: 'orders.example.com',
  SubjectAlternativeNames: ['orders.example.com'],
  Status: 'ISSUED',
  Type: 'AMAZON_ISSUED',
  NotAfter: inDays(200),
  RenewalEligibility: 'ELIGIBLE',
  InUseBy: ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/orders/1'],
  ...over,
});

beforeEach(() => acm.reset());

describe('acm-certificate probe', () => {
  it('passes on an issued, used, managed certificate, asking for every key type', async () => {
    certificates(issued());
    expect(await run()).toMatchObject({ status: 'ok', summary: 'orders.example.com: 200 days left', observed: { certificates: 1, daysLeft: 200 } });
    expect(acm.commandCalls(ListCertificatesCommand)[0]!.args[0].input.Includes?.keyTypes).toContain('EC_prime256v1');
    expect(acm.commandCalls(DescribeCertificateCommand).map((c) => c.args[0].input.CertificateArn)).toEqual([arn('orders')]);
  });

  it('fails on a renewal ACM gave up on, and warns on one waiting for its DNS record, naming the record', async () => {
    certificates(
      issued({
        NotAfter: inDays(20),
        RenewalSummary: { RenewalStatus: 'FAILED', RenewalStatusReason: 'CAA_ERROR', UpdatedAt: NOW, DomainValidationOptions: [] },
      }),
    );
    expect(await run()).toMatchObject({ status: 'fail', summary: "orders.example.com: ACM's renewal failed (CAA_ERROR); 20 days left" });
    acm.reset();
    certificates(
      issued({
        NotAfter: inDays(45),
        RenewalSummary: {
          RenewalStatus: 'PENDING_VALIDATION',
          UpdatedAt: NOW,
          DomainValidationOptions: [
            {
              DomainName: 'orders.example.com',
              ValidationStatus: 'PENDING_VALIDATION',
              ValidationMethod: 'DNS',
              ResourceRecord: { Name: '_a79865eb4cd1a6ab990a45779b4e0b96.orders.example.com.', Type: 'CNAME', Value: '_x.acm-validations.aws.' },
            },
          ],
        },
      }),
    );
    expect(await run()).toMatchObject({
      status: 'warn',
      summary:
        'orders.example.com: waiting on validation of orders.example.com (CNAME _a79865eb4cd1a6ab990a45779b4e0b96.orders.example.com.): the validation record is missing or wrong; 45 days left',
    });
    // Still waiting a week from the end: a failure.
    acm.reset();
    certificates(issued({ NotAfter: inDays(5), RenewalSummary: { RenewalStatus: 'PENDING_VALIDATION', UpdatedAt: NOW, DomainValidationOptions: [] } }));
    expect((await run()).status).toBe('fail');
  });

  it('grades by days left what ACM will not renew: imported, or used by nothing', async () => {
    certificates(issued({ Type: 'IMPORTED', NotAfter: inDays(12), RenewalEligibility: 'INELIGIBLE' }));
    expect(await run()).toMatchObject({ status: 'warn', summary: 'orders.example.com: imported: ACM never renews it; 12 days left' });
    acm.reset();
    certificates(issued({ NotAfter: inDays(3), RenewalEligibility: 'INELIGIBLE', InUseBy: [] }));
    expect(await run()).toMatchObject({ status: 'fail', summary: 'orders.example.com: no resource uses it, so ACM will not renew it; 3 days left' });
  });

  it('counts a wildcard certificate, and fails when nothing covers the name', async () => {
    certificates(issued({ CertificateArn: arn('wild'), DomainName: '*.example.com', SubjectAlternativeNames: ['*.example.com', 'example.com'] }));
    expect(await run()).toMatchObject({ status: 'ok', summary: '*.example.com: 200 days left' });
    expect(covers('*.example.com', 'a.orders.example.com')).toBe(false);
    acm.reset();
    certificates();
    expect(await run()).toMatchObject({ status: 'fail', summary: 'no ACM certificate covers orders.example.com in this region' });
  });

  it("asks another region when told (CloudFront's certificates live in us-east-1), and is granted that region's", async () => {
    certificates();
    expect(await run({ region: 'us-east-1' })).toMatchObject({
      status: 'fail',
      target: 'ACM orders.example.com in us-east-1',
      summary: 'no ACM certificate covers orders.example.com in us-east-1',
    });
    const [call] = acm.commandCalls(ListCertificatesCommand);
    expect(await (call!.thisValue as ACMClient).config.region()).toBe('us-east-1');
    const grants = acmCertificateProbe.permissions!(acmCertificateProbe.settings.parse({ target: 'orders.example.com', region: 'us-east-1' }), literalArns());
    expect(grants.flatMap((g) => g.resources)).toEqual(['*', 'arn:aws:acm:us-east-1:123456789012:certificate/*']);
    await expect(run({ region: 'Virginia' })).rejects.toThrow(/checks\[0\]\.region: expected a region code/);
  });

  it('calls only what it declares', async () => {
    certificates(issued());
    await run();
    expect(undeclaredCalls(acmCertificateProbe, { target: 'orders.example.com' }, [acm])).toEqual([]);
  });
});
