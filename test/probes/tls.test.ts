import { afterEach, describe, expect, it } from 'vitest';
import { daysFrom, issueCertificate, type CertificateRequest } from '../../app/local/certificates.js';
import { startHttpsTarget, startTcpTarget, type LocalTarget } from '../../app/local/servers.js';
import { fixedClock, runOne } from '../support/checks.js';

// The certificates are made relative to this instant, and the probe reads the same instant.
const now = new Date();
let target: LocalTarget | undefined;
afterEach(() => target?.close());

async function serve(request: Partial<CertificateRequest> & { days: number }) {
  const issued = await issueCertificate({ notBefore: daysFrom(now, -1), notAfter: daysFrom(now, request.days), ...request });
  target = await startHttpsTarget(issued, (_, res) => res.end('ok'));
  return { ca: issued.ca, target: `127.0.0.1:${target.port}` };
}

describe('tlsProbe', () => {
  it.each([
    { days: 90.1, status: 'ok', summary: 'certificate valid for 90 more days' },
    { days: 20.1, status: 'warn', summary: 'certificate expires in 20 days' },
    { days: 5.1, status: 'fail', summary: 'certificate expires in 5 days' },
  ])('is $status with $days days left (warn at 30, fail at 7)', async ({ days, status, summary }) => {
    const { ca, target } = await serve({ days });
    const finding = await runOne({ kind: 'tls', target, ca }, { clock: fixedClock(now) });
    expect(finding.status).toBe(status);
    expect(finding.summary).toBe(summary);
    expect(finding.observed.daysLeft).toBe(Math.floor(days));
  });

  it('says, of an ACM-issued certificate near its end, that its managed renewal is stuck and which check tells why', async () => {
    const { ca, target } = await serve({ days: 20.1, issuerOrganization: 'Amazon' });
    const finding = await runOne({ kind: 'tls', target, ca }, { clock: fixedClock(now) });
    expect(finding).toMatchObject({
      status: 'warn',
      summary: `certificate expires in 20 days; ACM issued it and renews it from 60 days before: its renewal is stuck (an acm-certificate check of the name says why)`,
    });
  });

  it('honours the thresholds a check sets', async () => {
    const { ca, target } = await serve({ days: 20.1 });
    const finding = await runOne({ kind: 'tls', target, ca, thresholds: { daysLeft: { warn: 14, fail: 3 } } }, { clock: fixedClock(now) });
    expect(finding.status).toBe('ok');
  });

  it('fails on an expired certificate', async () => {
    const { ca, target } = await serve({ notBefore: daysFrom(now, -30), days: -2.5 });
    const finding = await runOne({ kind: 'tls', target, ca }, { clock: fixedClock(now) });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('certificate expired 3 days ago');
  });

  it('fails when the certificate is for another name', async () => {
    const { ca, target } = await serve({ days: 90, hosts: ['other.example.com'] });
    const finding = await runOne({ kind: 'tls', target, ca }, { clock: fixedClock(now) });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('certificate does not match 127.0.0.1');
    expect(finding.evidence?.subjectAltName).toBe('DNS:other.example.com');
  });

  it('checks the name given as servername', async () => {
    const { ca, target } = await serve({ days: 90, hosts: ['api.internal.test'] });
    const finding = await runOne({ kind: 'tls', target, ca, servername: 'api.internal.test' }, { clock: fixedClock(now) });
    expect(finding.status).toBe('ok');
  });

  it('fails when the chain is not trusted', async () => {
    const { target } = await serve({ days: 90 });
    const finding = await runOne({ kind: 'tls', target }, { clock: fixedClock(now) });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toMatch(/^untrusted chain \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)$/);
  });

  it('fails when nothing speaks TLS on the port', async () => {
    target = await startTcpTarget();
    const finding = await runOne({ kind: 'tls', target: `127.0.0.1:${target.port}`, timeoutMs: 500 });
    expect(finding.status).toBe('fail');
  });
});
