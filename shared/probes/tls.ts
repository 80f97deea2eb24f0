import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import * as z from '../zod.js';
import { worst, type Observation, type Status } from '../findings.js';
import { gradeLower, lowerLimits } from '../thresholds.js';
import { hostPortSchema, parseHostPort } from './host-port.js';
import { describeNetworkError } from './network-errors.js';
import { defineProbe } from './probe.js';

const DAY_MS = 86_400_000;

const settings = z.strictObject({
  /** `host` or `host:port`; the port defaults to 443. */
  target: hostPortSchema(false),
  /** Name to ask for (SNI) and to match the certificate against. Default: the target's host. */
  servername: z.optional(z.string()),
  /** PEM of the CA(s) to trust instead of Node's public roots, for private PKI. */
  ca: z.optional(z.string()),
  thresholds: z.prefault(
    z.strictObject({
      /** Days until the certificate expires. Default: warn at 30, fail at 7. */
      daysLeft: lowerLimits(30, 7),
    }),
    {},
  ),
});

type TlsCheck = z.output<typeof settings>;

export const tlsProbe = defineProbe({
  kind: 'tls',
  regional: true,
  example: { target: 'api.example.com', thresholds: { daysLeft: { warn: 30, fail: 7 } } },
  description: 'Opens a TLS connection; checks days to certificate expiry, hostname match and chain validity.',
  uses: {},
  settings,
  describeTarget: (check) => check.target,
  secrets: () => [],
  async run(check, { signal, clock }): Promise<Observation> {
    const { host, port } = parseHostPort(check.target, 443);
    const servername = check.servername ?? host;
    let peer: Peer;
    try {
      peer = await handshake(check, host, port, servername, signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      return { status: 'fail', summary: `TLS connection failed: ${describeNetworkError(err)}`, observed: {} };
    }
    return judge(check, peer, servername, clock.now());
  },
});

interface Peer {
  cert: X509Certificate;
  /** Why the chain is not trusted (e.g. SELF_SIGNED_CERT_IN_CHAIN); undefined when it is. */
  chainError: string | undefined;
  handshakeMs: number;
}

function handshake(check: TlsCheck, host: string, port: number, servername: string, signal: AbortSignal): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = tls.connect({
      host,
      port,
      // SNI must be a name, never an IP address.
      ...(isIP(servername) ? {} : { servername }),
      ...(check.ca ? { ca: check.ca } : {}),
      // We judge the certificate ourselves, so a bad one is reported rather than refused.
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    const onAbort = () => socket.destroy(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      const raw = socket.getPeerX509Certificate();
      const chainError = socket.authorized ? undefined : String(socket.authorizationError);
      const handshakeMs = Math.round(performance.now() - started);
      signal.removeEventListener('abort', onAbort);
      socket.end();
      if (!raw) reject(new Error('the server sent no certificate'));
      else resolve({ cert: raw, chainError, handshakeMs });
    });
    socket.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
  });
}

/** An ACM-issued certificate is renewed from 60 days before its end: one this close to it is a renewal stuck, not a date missed. */
const ACM_STUCK = '; ACM issued it and renews it from 60 days before: its renewal is stuck (an acm-certificate check of the name says why)';
const acmIssued = (issuer: string) => /^O=Amazon$/m.test(issuer);
/** Past this, an ACM renewal begun at 60 days should long be done. */
const ACM_LATE_DAYS = 45;

function judge(check: TlsCheck, peer: Peer, servername: string, now: Date): Observation {
  const validTo = new Date(peer.cert.validTo);
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
  const problems: { status: Status; text: string }[] = [];

  const expiry = gradeLower(daysLeft, check.thresholds.daysLeft);
  if (daysLeft < 0) problems.push({ status: 'fail', text: `certificate expired ${-daysLeft} days ago` });
  else if (expiry !== 'ok')
    problems.push({
      status: expiry,
      text: `certificate expires in ${daysLeft} days${acmIssued(peer.cert.issuer) && daysLeft < ACM_LATE_DAYS ? ACM_STUCK : ''}`,
    });

  const nameMatches = isIP(servername) ? peer.cert.checkIP(servername) !== undefined : peer.cert.checkHost(servername) !== undefined;
  if (!nameMatches) problems.push({ status: 'fail', text: `certificate does not match ${servername}` });
  // An expired leaf also fails the chain; say it once.
  if (peer.chainError && peer.chainError !== 'CERT_HAS_EXPIRED') {
    problems.push({ status: 'fail', text: `untrusted chain (${peer.chainError})` });
  }

  const status = worst(...problems.map((p) => p.status));
  return {
    status,
    summary: problems.length ? problems.map((p) => p.text).join('; ') : `certificate valid for ${daysLeft} more days`,
    observed: { daysLeft, handshakeMs: peer.handshakeMs },
    evidence: {
      subject: peer.cert.subject,
      issuer: peer.cert.issuer,
      subjectAltName: peer.cert.subjectAltName,
      validFrom: new Date(peer.cert.validFrom).toISOString(),
      validTo: validTo.toISOString(),
      fingerprint256: peer.cert.fingerprint256,
      ...(peer.chainError ? { chainError: peer.chainError } : {}),
    },
  };
}
