import * as z from '../zod.js';
import type { AcmCertificate } from '../aws/acm.js';
import { worst, type Observation, type Status } from '../findings.js';
import { gradeLower, lowerLimits } from '../thresholds.js';
import { defineProbe } from './probe.js';

const DAY_MS = 86_400_000;
/** Certificates covering one name: more are counted, not described. */
const DESCRIBED = 10;

const settings = z.strictObject({
  /** The name its certificates cover, e.g. `orders.example.com` (a wildcard certificate for `*.example.com` counts). */
  target: z.string().check(z.regex(/^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/i, 'expected a domain name, e.g. "orders.example.com"')),
  /** Days before expiry. Default: warn at 30, fail at 7 (ACM starts renewing 60 days before). */
  daysLeft: lowerLimits(30, 7),
});

/**
 * "Renew certificates expiring within 30 days", from ACM's side: the managed renewal of the certificates that cover
 * a name. A failed renewal fails; one waiting on DNS validation warns, naming the record to add, and fails as the
 * end nears; an imported certificate, or one no resource uses (ACM renews neither), is graded by the days it has left.
 */
export const acmCertificateProbe = defineProbe({
  kind: 'acm-certificate',
  example: { target: 'orders.example.com' },
  description:
    'ACM certificates covering a name: a managed renewal that failed or waits on validation (naming the DNS record), an imported or unused one ACM will not renew, days to expiry.',
  settings,
  uses: { aws: ['acm'] },
  permissions: (_check, arns) => [
    {
      actions: ['acm:ListCertificates'],
      resources: ['*'],
      wildcard: 'acm:ListCertificates has no resource-level permissions: AWS accepts only "*" (read-only).',
    },
    { actions: ['acm:DescribeCertificate'], resources: [arns.of('acm', 'certificate/*')] },
  ],
  egress: () => [],
  describeTarget: (check) => `ACM ${check.target}`,
  secrets: () => [],
  async run(check, { aws, signal, clock }): Promise<Observation> {
    if (!aws.acm) throw new Error('no ACM client configured');
    const certificates = await aws.acm.certificatesFor(check.target, DESCRIBED, signal);
    return judgeCertificates(check.target, certificates, check.daysLeft, clock.now());
  },
});

interface Verdict {
  status: Status;
  says: string;
  daysLeft?: number;
}

/** Each certificate's verdict; the worst one speaks for the check. Pure. */
export function judgeCertificates(target: string, certificates: AcmCertificate[], limits: { warn: number; fail: number }, now: Date): Observation {
  if (!certificates.length) return { status: 'fail', summary: `no ACM certificate covers ${target} in this region`, observed: { certificates: 0 } };
  const verdicts = certificates.map((c) => ({ c, ...verdictOf(c, limits, now) }));
  const status = worst(...verdicts.map((v) => v.status));
  const decisive = verdicts.find((v) => v.status === status)!;
  const soonest = Math.min(...verdicts.flatMap((v) => (v.daysLeft === undefined ? [] : [v.daysLeft])));
  return {
    status,
    summary: `${decisive.c.domain}: ${decisive.says}${verdicts.length > 1 ? ` (${verdicts.length} certificates cover ${target})` : ''}`,
    observed: { certificates: certificates.length, ...(Number.isFinite(soonest) ? { daysLeft: soonest } : {}) },
    evidence: {
      certificates: verdicts.map(({ c, status: s, says }) => ({
        arn: c.arn,
        domain: c.domain,
        type: c.type,
        status: c.status,
        ...(c.notAfter ? { notAfter: c.notAfter.toISOString() } : {}),
        ...(c.renewal ? { renewal: c.renewal } : {}),
        inUseBy: c.inUseBy,
        verdict: `${s}: ${says}`,
      })),
    },
  };
}

function verdictOf(c: AcmCertificate, limits: { warn: number; fail: number }, now: Date): Verdict {
  const daysLeft = c.notAfter ? Math.floor((c.notAfter.getTime() - now.getTime()) / DAY_MS) : undefined;
  const left = daysLeft === undefined ? '' : daysLeft < 0 ? `expired ${-daysLeft} days ago` : `${daysLeft} days left`;
  const byDays = daysLeft === undefined ? 'ok' : gradeLower(daysLeft, limits);
  if (c.status === 'EXPIRED' || (daysLeft !== undefined && daysLeft < 0))
    return { status: 'fail', says: `expired${c.notAfter ? ` on ${c.notAfter.toISOString().slice(0, 10)}` : ''}`, ...days(daysLeft) };
  if (c.renewal?.status === 'FAILED')
    return { status: 'fail', says: `ACM's renewal failed (${c.renewal.reason ?? 'no reason given'}); ${left}`, ...days(daysLeft) };
  const pending = c.renewal?.status === 'PENDING_VALIDATION' ? c.renewal.pendingValidation : c.status === 'PENDING_VALIDATION' ? [{ domain: c.domain }] : [];
  if (pending.length || c.renewal?.status === 'PENDING_VALIDATION') {
    const records = pending.map((p) => (p.record ? `${p.domain} (${p.record})` : p.domain)).join(', ');
    return {
      status: worst('warn', byDays),
      says: `waiting on validation of ${records || 'its names'}: the validation record is missing or wrong; ${left}`.replace(/; $/, ''),
      ...days(daysLeft),
    };
  }
  if (c.type === 'IMPORTED') return { status: byDays, says: `imported: ACM never renews it; ${left}`, ...days(daysLeft) };
  if (c.renewalEligibility === 'INELIGIBLE' && byDays !== 'ok')
    return { status: byDays, says: `no resource uses it, so ACM will not renew it; ${left}`, ...days(daysLeft) };
  if (c.renewal?.status === 'PENDING_AUTO_RENEWAL') return { status: byDays, says: `ACM is renewing it; ${left}`, ...days(daysLeft) };
  return { status: byDays, says: left || c.status.toLowerCase(), ...days(daysLeft) };
}

const days = (daysLeft: number | undefined) => (daysLeft === undefined ? {} : { daysLeft });
