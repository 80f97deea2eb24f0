import { BlockList, isIP } from 'node:net';
import * as z from '../zod.js';
import type { IpSetRef, WafPort } from '../aws/waf.js';
import { defineRemediation, type RemediationContext } from './remediation.js';
import { NothingToDoError, PartlyAppliedError, RemediationRefusedError } from '../errors.js';

/** An address Vigil blocked carries a tag on the IP set, `vigil:blocked:<cidr>`, whose value is when it ends. */
const TAG = 'vigil:blocked:';
/** WAF allows 50 tags on a resource: Vigil keeps 10 for the team's own. */
const MOST_HELD = 40;

export interface BlockChange {
  /** New addresses, as CIDRs, the query's order kept (its worst first). */
  add: string[];
  /** Vigil's own entries whose time is up. */
  remove: string[];
  /** Tags of addresses no longer in the set (taken out by hand, or an update that never landed): removed too. */
  forget: string[];
  /** Suspects over the cap, not blocked this time. */
  leftOut: number;
}

interface Suspects {
  /** Candidate CIDRs in the query's order. */
  cidrs: string[];
  /** Addresses the settings say never to block. */
  spared: number;
}

/** A single address as a CIDR of itself, or undefined when it is not one. */
const cidrOf = (value: string) => {
  const ip = value.trim().toLowerCase();
  const version = isIP(ip);
  return version === 4 ? `${ip}/32` : version === 6 ? `${ip}/128` : undefined;
};

/** The rows' addresses, each once, of the set's IP version, without those never to be blocked. */
export function suspectsIn(rows: Record<string, string>[], field: string, version: string, neverBlock: BlockList): Suspects {
  const cidrs: string[] = [];
  let spared = 0;
  for (const row of rows) {
    const cidr = cidrOf(row[field] ?? '');
    if (!cidr || (cidr.endsWith('/32') ? 'IPV4' : 'IPV6') !== version || cidrs.includes(cidr)) continue;
    const ip = cidr.split('/')[0]!;
    if (neverBlock.check(ip, version === 'IPV4' ? 'ipv4' : 'ipv6')) spared++;
    else cidrs.push(cidr);
  }
  return { cidrs, spared };
}

/** What one run changes in the set: expired entries out, new suspects in up to the cap. Pure. */
export function blockChange(input: { addresses: string[]; tags: Record<string, string>; suspects: string[]; now: Date; max: number }): BlockChange {
  const inSet = new Set(input.addresses);
  const held = Object.entries(input.tags)
    .filter(([key]) => key.startsWith(TAG))
    .map(([key, until]) => ({ cidr: key.slice(TAG.length), until: new Date(until) }));
  const expired = (h: { until: Date }) => !(h.until > input.now); // an unreadable date counts as over
  const remove = held.filter((h) => inSet.has(h.cidr) && expired(h)).map((h) => h.cidr);
  const forget = held.filter((h) => !inSet.has(h.cidr)).map((h) => h.cidr);
  const holding = held.filter((h) => inSet.has(h.cidr) && !expired(h)).length;
  const fresh = input.suspects.filter((c) => !inSet.has(c));
  const add = fresh.slice(0, Math.max(0, input.max - holding));
  return { add, remove, forget, leftOut: fresh.length - add.length };
}

const cidr = z.string().check(
  z.refine((v) => {
    const [ip, bits, extra] = v.split('/');
    const version = isIP(ip ?? '');
    return extra === undefined && version !== 0 && /^\d+$/.test(bits ?? '') && Number(bits) <= (version === 4 ? 32 : 128);
  }, 'expected a CIDR, e.g. "198.51.100.0/24" or "2001:db8::/32"'),
);

const neverBlockList = (cidrs: string[]) => {
  const list = new BlockList();
  for (const c of cidrs) {
    const [ip, bits] = c.split('/');
    list.addSubnet(ip!, Number(bits), isIP(ip!) === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
};

const refOf = (s: { target: string; ipSetId: string; scope: 'REGIONAL' | 'CLOUDFRONT' }): IpSetRef => ({ name: s.target, id: s.ipSetId, scope: s.scope });

const wafOf = (ctx: RemediationContext): WafPort => {
  if (!ctx.aws.waf) throw new RemediationRefusedError('no WAF client configured');
  return ctx.aws.waf;
};

const listed = (cidrs: string[]) => (cidrs.length > 3 ? `${cidrs.slice(0, 3).join(', ')} and ${cidrs.length - 3} more` : cidrs.join(', '));

/** Blocks the addresses a Logs Insights query names, in a WAF IP set, each for a while: "block suspicious IPs" in guide 004. */
export const wafBlockIps = defineRemediation({
  kind: 'waf-block-ips',
  example: {
    target: 'orders-blocked',
    ipSetId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    logGroups: ['aws-waf-logs-orders'],
    query: 'filter action = "ALLOW" and httpRequest.uri like /login/ | stats count(*) as hits by httpRequest.clientIp | filter hits > 300 | sort hits desc',
    field: 'httpRequest.clientIp',
    neverBlock: ['198.51.100.0/24'],
  },
  description:
    'Adds the addresses a Logs Insights query names to a WAF IP set, at most 40 held at once, each removed by a later run when its time is up; never those in neverBlock. High risk.',
  risk: 'high',
  uses: { aws: ['waf', 'logs'] },
  settings: z.strictObject({
    /** The IP set's name; a rule of the web ACL blocks what it holds. */
    target: z.string().check(z.regex(/^[\w-]{1,128}$/, 'expected a WAF IP set name')),
    /** The IP set's id, as the console shows it. */
    ipSetId: z.string().check(z.regex(/^[0-9a-zA-Z-]{1,36}$/, 'expected a WAF IP set id')),
    /** REGIONAL (a load balancer's, an API's) or CLOUDFRONT (a distribution's, kept in us-east-1). Default: REGIONAL. */
    scope: z._default(z.enum(['REGIONAL', 'CLOUDFRONT']), 'REGIONAL'),
    /** The log groups the query reads: WAF's, or the load balancer's. */
    logGroups: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(50)),
    /** A Logs Insights query with one row per address to block, its worst first. */
    query: z.string().check(z.minLength(1)),
    /** The field of each row that holds the address. Default: clientIp. */
    field: z._default(z.string().check(z.minLength(1)), 'clientIp'),
    /** How far back the query reads, in minutes. Default: 15. */
    minutes: z._default(z.int().check(z.minimum(1), z.maximum(1440)), 15),
    /** The most addresses Vigil holds in the set at once (WAF's 50 tags a resource allow 40). Default: 20. */
    maxAddresses: z._default(z.int().check(z.minimum(1), z.maximum(MOST_HELD)), 20),
    /** How long each address stays blocked, in minutes; a later run takes it out. Default: 1440 (a day). */
    blockMinutes: z._default(z.int().check(z.minimum(5), z.maximum(43_200)), 1440),
    /** Networks never blocked, whatever the query says: the office, partners, your own health checks. */
    neverBlock: z._default(z.array(cidr), []),
  }),
  permissions: (s, arns) => [
    {
      actions: ['wafv2:GetIPSet', 'wafv2:UpdateIPSet', 'wafv2:ListTagsForResource', 'wafv2:TagResource', 'wafv2:UntagResource'],
      resources: [
        s.scope === 'CLOUDFRONT'
          ? arns.inRegion('us-east-1', 'wafv2', `global/ipset/${s.target}/${s.ipSetId}`)
          : arns.of('wafv2', `regional/ipset/${s.target}/${s.ipSetId}`),
      ],
    },
    {
      actions: ['logs:StartQuery'],
      resources: s.logGroups.map((g) => arns.of('logs', `log-group:${g}:*`)),
      wildcard: 'A log group ARN ends in ":*", its streams; the statement is held to the configured groups.',
    },
    {
      actions: ['logs:GetQueryResults', 'logs:StopQuery'],
      resources: ['*'],
      wildcard: 'logs:GetQueryResults and logs:StopQuery take a query id, not a resource: AWS accepts only "*".',
    },
  ],
  targetKey: (s) => `waf:${s.scope}:${s.target}`,
  async plan(s, ctx) {
    if (!ctx.aws.logs) throw new RemediationRefusedError('no CloudWatch Logs client configured');
    const waf = wafOf(ctx);
    const now = ctx.clock.now();
    const set = await waf.ipSet(refOf(s), ctx.signal);
    const [tags, rows] = await Promise.all([
      waf.tags(refOf(s), set.arn, ctx.signal),
      ctx.aws.logs.rows({ groups: s.logGroups, start: new Date(now.getTime() - s.minutes * 60_000), end: now, query: s.query }, ctx.signal),
    ]);
    if (rows.length && !rows.some((r) => s.field in r))
      throw new RemediationRefusedError(
        `the query's rows have no field "${s.field}" (they have ${Object.keys(rows[0]!).join(', ')}): set field to the one holding the address`,
      );
    const suspects = suspectsIn(rows, s.field, set.version, neverBlockList(s.neverBlock));
    const change = blockChange({ addresses: set.addresses, tags, suspects: suspects.cidrs, now, max: s.maxAddresses });
    if (!change.add.length && !change.remove.length && !change.forget.length) {
      // At its cap with more named is for a human; no new address at all is nothing to do.
      if (change.leftOut)
        throw new RemediationRefusedError(
          `nothing to change in ${s.target}: it already holds ${s.maxAddresses} addresses (maxAddresses); ${change.leftOut} more were named`,
        );
      throw new NothingToDoError(
        `nothing to change in ${s.target}: the query named no new address (${rows.length} rows${suspects.spared ? `, ${suspects.spared} never blocked` : ''})`,
      );
    }
    const expiresAt = new Date(now.getTime() + s.blockMinutes * 60_000).toISOString();
    const parts = [
      ...(change.add.length ? [`block ${change.add.length} address${change.add.length > 1 ? 'es' : ''} until ${expiresAt} (${listed(change.add)})`] : []),
      ...(change.remove.length ? [`unblock ${change.remove.length} whose time is up`] : []),
      ...(change.leftOut ? [`${change.leftOut} more over the cap left out`] : []),
    ];
    return { summary: `${parts.join('; ') || 'tidy Vigil’s tags'} in WAF IP set ${s.target}`, change: { ...change, expiresAt, arn: set.arn } };
  },
  async execute(s, plan, ctx) {
    const waf = wafOf(ctx);
    const { add, remove, forget, expiresAt, arn } = plan.change;
    // Each address's end is written before the address: one never sits in the set with no end.
    if (add.length) await waf.tag(refOf(s), arn, Object.fromEntries(add.map((c) => [`${TAG}${c}`, expiresAt])));
    const set = await waf.ipSet(refOf(s), ctx.signal);
    const addresses = [...new Set([...set.addresses.filter((a) => !remove.includes(a)), ...add])];
    await waf.setAddresses(refOf(s), { addresses, lockToken: set.lockToken, description: set.description });
    const done = `${add.length} blocked until ${expiresAt}, ${remove.length} unblocked in ${s.target}`;
    if (remove.length || forget.length) {
      try {
        await waf.untag(
          refOf(s),
          arn,
          [...remove, ...forget].map((c) => `${TAG}${c}`),
        );
      } catch (err) {
        throw new PartlyAppliedError(`${done}; removing the tags of those unblocked failed: ${(err as Error).message}`);
      }
    }
    return done;
  },
  async reconcile(s, plan, ctx) {
    const { addresses } = await wafOf(ctx).ipSet(refOf(s), ctx.signal);
    const has = (c: string) => addresses.includes(c);
    const { add, remove } = plan.change;
    if (add.every(has) && !remove.some(has))
      return { applied: 'yes', detail: `${s.target} holds the ${add.length} new and none of the ${remove.length} expired` };
    if (!add.some(has) && remove.every(has)) return { applied: 'no', detail: `${s.target} is as it was: none of the ${add.length} new addresses is in it` };
    return {
      applied: 'unknown',
      detail: `${s.target} holds ${add.filter(has).length} of the ${add.length} new and ${remove.filter(has).length} of the ${remove.length} expired`,
    };
  },
});
