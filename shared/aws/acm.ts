import { ACMClient, DescribeCertificateCommand, ListCertificatesCommand, type ACMClientConfig, type KeyAlgorithm } from '@aws-sdk/client-acm';
import { REQUEST_TIMEOUTS } from './timeouts.js';

/** An ACM certificate as a finding shows it. */
export interface AcmCertificate {
  arn: string;
  domain: string;
  /** Every name it covers: its domain and its subject alternative names. */
  names: string[];
  /** `ISSUED`, `PENDING_VALIDATION`, `EXPIRED`, `FAILED`, … */
  status: string;
  /** `AMAZON_ISSUED` (ACM renews it), `IMPORTED` (it never does), `PRIVATE`. */
  type: string;
  notAfter?: Date | undefined;
  /** `ELIGIBLE` while something uses it; ACM renews only those. */
  renewalEligibility?: string | undefined;
  inUseBy: number;
  /** The managed renewal, once ACM has started one. */
  renewal?: { status: string; reason?: string | undefined; pendingValidation: { domain: string; record?: string | undefined }[] } | undefined;
}

/** The ACM calls Vigil makes. */
export interface AcmPort {
  /** The certificates covering `domain` (by name or wildcard) in `region` (default: the function's), at most `limit` of them described. */
  certificatesFor(domain: string, limit: number, options?: { region?: string | undefined; signal?: AbortSignal | undefined }): Promise<AcmCertificate[]>;
}

/** Without `Includes.keyTypes`, ListCertificates returns RSA 2048 certificates only. */
const KEY_TYPES: KeyAlgorithm[] = ['RSA_1024', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'];

/** `*.example.com` covers `orders.example.com`, not `a.orders.example.com`. */
export function covers(name: string, domain: string): boolean {
  const n = name.toLowerCase();
  const d = domain.toLowerCase();
  return n === d || (n.startsWith('*.') && d.endsWith(n.slice(1)) && !d.slice(0, d.length - n.length + 1).includes('.'));
}

export class SdkAcm implements AcmPort {
  /** One client per region asked, the function's own under "". */
  private readonly clients = new Map<string, ACMClient>();

  constructor(private readonly overrides: ACMClientConfig = {}) {}

  private client(region: string | undefined): ACMClient {
    let client = this.clients.get(region ?? '');
    if (!client)
      this.clients.set(region ?? '', (client = new ACMClient({ requestHandler: REQUEST_TIMEOUTS, ...this.overrides, ...(region ? { region } : {}) })));
    return client;
  }

  async certificatesFor(
    domain: string,
    limit: number,
    { region, signal }: { region?: string | undefined; signal?: AbortSignal | undefined } = {},
  ): Promise<AcmCertificate[]> {
    const client = this.client(region);
    const arns: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(
        new ListCertificatesCommand({
          Includes: { keyTypes: KEY_TYPES },
          CertificateStatuses: ['ISSUED', 'PENDING_VALIDATION', 'EXPIRED', 'FAILED'],
          NextToken,
        }),
        { abortSignal: signal },
      );
      for (const c of page.CertificateSummaryList ?? [])
        if ([c.DomainName ?? '', ...(c.SubjectAlternativeNameSummaries ?? [])].some((n) => covers(n, domain))) arns.push(c.CertificateArn!);
      NextToken = page.NextToken;
    } while (NextToken);
    return Promise.all(arns.slice(0, limit).map((arn) => this.describe(client, arn, signal)));
  }

  private async describe(client: ACMClient, arn: string, signal?: AbortSignal): Promise<AcmCertificate> {
    const { Certificate: c = {} } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }), { abortSignal: signal });
    const r = c.RenewalSummary;
    return {
      arn,
      domain: c.DomainName ?? '',
      names: c.SubjectAlternativeNames ?? [c.DomainName ?? ''],
      status: c.Status ?? 'UNKNOWN',
      type: c.Type ?? 'UNKNOWN',
      notAfter: c.NotAfter,
      renewalEligibility: c.RenewalEligibility,
      inUseBy: c.InUseBy?.length ?? 0,
      ...(r
        ? {
            renewal: {
              status: r.RenewalStatus ?? 'UNKNOWN',
              reason: r.RenewalStatusReason,
              pendingValidation: (r.DomainValidationOptions ?? [])
                .filter((o) => o.ValidationStatus === 'PENDING_VALIDATION')
                .map((o) => ({ domain: o.DomainName ?? '', record: o.ResourceRecord ? `${o.ResourceRecord.Type} ${o.ResourceRecord.Name}` : undefined })),
            },
          }
        : {}),
    };
  }
}

/** The port `aws.acm` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): AcmPort => new SdkAcm();

declare module './ports.js' {
  interface AwsPortMap {
    acm: AcmPort;
  }
}
