import type * as z from '../zod.js';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import type { Observation } from '../findings.js';
import type { Uses } from '../uses.js';
import type { Arns, Egress, Grant } from '../permissions.js';

export interface ProbeContext {
  /** Aborted when the check's timeout passes; pass it on to every I/O call. */
  signal: AbortSignal;
  /** The check's timeout, for probes whose driver waits on its own (it must give up sooner to say why). */
  timeoutMs: number;
  clock: Clock;
  /**
   * Masks every secret known to the process. The runner masks the whole finding afterwards; a probe
   * calls this itself before it cuts text short (an excerpt), so no piece of a secret survives the cut.
   */
  redact(text: string): string;
  /** AWS APIs, for probes that read AWS (ECS, CloudWatch). */
  aws: AwsPorts;
  /** Heartbeat reports, in the state table. Absent (no table): heartbeat checks report it as a setup error. */
  heartbeats?: HeartbeatReader;
}

/** Reads the newest report a job sent in (the state table keeps one per heartbeat check). */
export interface HeartbeatReader {
  getHeartbeat(checkId: string): Promise<{ at: string; status: 'ok' | 'fail'; message?: string } | undefined>;
}

/**
 * One kind of check. Its `settings` are the kind-specific fields of a check in
 * vigil.config.ts; the engine validates them before `run` sees them.
 */
export interface Probe<S extends z.ZodMiniObject = z.ZodMiniObject, K extends string = string> {
  readonly kind: K;
  readonly description: string;
  readonly settings: S;
  /** A check of this kind as a config writes it, without id and kind: the configuration reference shows it, and a test parses it. */
  readonly example: z.input<S>;
  /** What the user it connects as must be granted, when it connects to a server itself (AWS permissions come from `permissions`). */
  readonly privileges?: string;
  /** The SDK clients and driver its `run` calls (`{}`: none): what the bundler ships and the permissions test holds it to. */
  readonly uses: Uses;
  /** The IAM statements its `run` needs for this check's target (a secret it names is granted apart). Default: none. */
  permissions?(check: z.output<S>, arns: Arns): Grant[];
  /** The connections its `run` makes, for a security group to allow. Default: over TCP, the ports its target names. */
  egress?(check: z.output<S>): Egress[];
  /** It reaches a public endpoint with nothing of the account's (no VPC, no AWS call): it may run from other regions too (`regions`). */
  readonly regional?: boolean;
  /** The target as findings show it: no credentials. */
  describeTarget(check: z.output<S>): string;
  /** Rules across settings (this needs that); problems are added to `ctx` with their path. */
  refine?(check: z.output<S>, ctx: z.core.$RefinementCtx): void;
  /** Values that must never appear in a finding (passwords, tokens). */
  secrets(check: z.output<S>): string[];
  run(check: z.output<S>, ctx: ProbeContext): Promise<Observation>;
}

export function defineProbe<S extends z.ZodMiniObject, const K extends string>(probe: Probe<S, K>): Probe<S, K> {
  return probe;
}
