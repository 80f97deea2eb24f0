import * as z from '../zod.js';
import { defineRemediation } from './remediation.js';
import { RemediationRefusedError } from '../errors.js';

/** CloudFront bills paths beyond 1000 a month; a runbook's fix names a few. */
const MAX_PATHS = 15;
/** Clock skew between Vigil and CloudFront allowed for when reading back: invalidations older than the plan by more are not looked at. */
const SKEW_MS = 5 * 60_000;

const path = z
  .string()
  .check(z.regex(/^\/[^\s*]*\*?$/, 'expected a path starting with "/", a "*" only at its end, e.g. "/index.html" or "/static/*"'), z.maxLength(4000));

/** Invalidates a capped list of paths on one distribution: "clear the CDN cache" in the guides. */
export const cloudfrontInvalidate = defineRemediation({
  kind: 'cloudfront-invalidate',
  example: { target: 'E2QWRUHAPOMQZL', paths: ['/index.html', '/static/*'] },
  description: 'Invalidates a capped list of paths on a CloudFront distribution (CreateInvalidation, keyed so a retry makes no second one).',
  risk: 'low',
  uses: { aws: ['cloudfront'] },
  settings: z.strictObject({
    /** The distribution id, e.g. `E2QWRUHAPOMQZL`. */
    target: z.string().check(z.regex(/^E[A-Z0-9]{6,20}$/, 'expected a CloudFront distribution id, e.g. "E2QWRUHAPOMQZL"')),
    /** The paths, at most 15. `/*` clears everything, and counts as one path. */
    paths: z.array(path).check(z.minLength(1), z.maxLength(MAX_PATHS, `at most ${MAX_PATHS} paths: invalidate a prefix ("/static/*") rather than each file`)),
  }),
  permissions: (s, arns) => [
    {
      actions: ['cloudfront:GetDistribution', 'cloudfront:CreateInvalidation', 'cloudfront:ListInvalidations', 'cloudfront:GetInvalidation'],
      resources: [arns.global('cloudfront', `distribution/${s.target}`)],
    },
  ],
  targetKey: (s) => `cloudfront:${s.target}`,
  async plan(s, { aws, clock, signal }) {
    if (!aws.cloudfront) throw new RemediationRefusedError('no CloudFront client configured');
    const d = await aws.cloudfront.distribution(s.target, signal);
    if (!d.enabled) throw new RemediationRefusedError(`${s.target} is disabled; invalidating it would change nothing`);
    const plannedAt = clock.now().toISOString();
    // The reference is the plan's own: an attempt that sends it again gets the first invalidation back.
    const callerReference = `vigil-${s.target}-${plannedAt}`;
    const shown = s.paths.length > 3 ? `${s.paths.slice(0, 3).join(', ')} and ${s.paths.length - 3} more` : s.paths.join(', ');
    return {
      summary: `invalidate ${s.paths.length} path${s.paths.length > 1 ? 's' : ''} on ${s.target} (${d.domain}): ${shown}`,
      change: { paths: s.paths, callerReference, plannedAt },
    };
  },
  async execute(s, plan, { aws }) {
    const made = await aws.cloudfront!.invalidate(s.target, plan.change.paths, plan.change.callerReference);
    return `invalidation ${made.id} of ${s.target} ${made.status}`;
  },
  async reconcile(s, plan, { aws, signal }) {
    const since = new Date(new Date(plan.change.plannedAt).getTime() - SKEW_MS);
    const found = await aws.cloudfront!.findInvalidation(s.target, plan.change.callerReference, since, signal);
    return found
      ? { applied: 'yes', detail: `invalidation ${found.id} of ${s.target} ${found.status}` }
      : { applied: 'no', detail: `no invalidation of ${s.target} with this plan's reference` };
  },
});
