import * as z from '../zod.js';
import { nameSchema } from './names.js';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/** One thing readers see the state of: a service, or a group of checks. */
const componentSchema = z
  .strictObject({
    id: nameSchema,
    /** What readers call it, e.g. "Checkout". */
    name: text(100),
    description: z.optional(text(300)),
    /** The checks it is made of, by id. */
    checks: z.optional(z.array(nameSchema).check(z.minLength(1))),
    /** Or every check with these tags, e.g. `{ service: 'orders' }`. */
    tags: z.optional(z.record(z.string(), z.string())),
  })
  .check(z.refine((c) => c.checks !== undefined || c.tags !== undefined, { message: 'name its "checks" or the "tags" of its checks' }));

/**
 * The status page: components that read operational, degraded, partial or major outage, active incidents with
 * their public updates, maintenance, and 90 days of daily history; written on each change as HTML, summary.json
 * and an Atom feed, to a private bucket.
 */
export const statusPageSchema = z.strictObject({
  /** The page's title. Default: "Service status". */
  title: z._default(text(100), 'Service status'),
  /** The components readers see. Default: one per `service` tag of the checks, named by it. */
  components: z.optional(z.array(componentSchema).check(z.minLength(1), z.maxLength(100))),
  /** Where readers find the page, for the feed's links, e.g. `https://status.example.com/`. Default: the CloudFront address, when served there. */
  url: z.optional(z.url()),
  /** Serve the page through CloudFront (HTTPS, the bucket reached only with origin access control). Default: false, the private bucket only. */
  cloudfront: z._default(z.boolean(), false),
});

export type StatusPageConfig = z.output<typeof statusPageSchema>;
