import selfsigned from 'selfsigned';

export interface IssuedCertificate {
  /** PEM of the CA that signed it: what a client must trust. */
  ca: string;
  cert: string;
  key: string;
}

export interface CertificateRequest {
  /** Names and IPs the certificate is for. Default: localhost and 127.0.0.1. */
  hosts?: string[];
  notBefore: Date;
  notAfter: Date;
  /** The issuing CA's organization, e.g. `Amazon` for a certificate that looks ACM-issued. Default: none. */
  issuerOrganization?: string;
}

const DAY_MS = 86_400_000;

/** Days from `now`, for readable requests: `{ notBefore: daysFrom(now, -1), notAfter: daysFrom(now, 5) }`. */
export function daysFrom(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/** A throwaway CA and a server certificate it signed, for local targets only. */
export async function issueCertificate(request: CertificateRequest): Promise<IssuedCertificate> {
  const hosts = request.hosts ?? ['localhost', '127.0.0.1'];
  const organization = request.issuerOrganization ? [{ name: 'organizationName', value: request.issuerOrganization }] : [];
  const ca = await selfsigned.generate([...organization, { name: 'commonName', value: 'Vigil local test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: daysFrom(request.notBefore, -1),
    notAfterDate: daysFrom(request.notAfter, 1),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await selfsigned.generate([{ name: 'commonName', value: hosts[0]! }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: request.notBefore,
    notAfterDate: request.notAfter,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })),
      },
    ],
  });
  return { ca: ca.cert, cert: leaf.cert, key: leaf.private };
}
