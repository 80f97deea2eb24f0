import * as z from '../zod.js';
import { nameSchema } from '../config/names.js';
import type { VigilConfig } from '../config/schema.js';
import { firstCheckId } from '../config/whole.js';
import { incidentId, who } from './who.js';

/** Runs one configured remediation by hand; a dry run (the default) plans and checks the guardrails, and changes nothing. */
export const manualRequest = z
  .strictObject({
    remediation: nameSchema,
    /** Default: true. Say false, with who and why, to act. */
    dryRun: z._default(z.boolean(), true),
    approvedBy: z.optional(who.by),
    reason: z.optional(who.reason),
    /** The incident this answers: the action goes on its timeline and the on-call is told. */
    incident: z.optional(incidentId),
  })
  .check(
    z.superRefine((r, ctx) => {
      if (r.dryRun) return;
      if (!r.approvedBy) ctx.addIssue({ code: 'custom', path: ['approvedBy'], message: 'required with "dryRun": false: who runs this (it approves high-risk remediations)' });
      if (!r.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'required with "dryRun": false: why, for the timeline' });
    }),
  );

/** Approves a proposal Vigil sent through SNS. */
export const approvalRequest = z.strictObject({
  /** The remediation the proposal is for; must match it, so nobody approves the wrong thing. */
  remediation: nameSchema,
  /** The proposal id from the notification. */
  approve: z.string().check(z.minLength(1), z.maxLength(100)),
  approvedBy: who.by,
  reason: who.reason,
});

/** The kill switch: one setting that stops (or allows again) every automatic action. */
export const automationRequest = z.strictObject({ automation: z.enum(['off', 'on']), ...who });

export type ManualRequest = z.output<typeof manualRequest>;
export type ApprovalRequest = z.output<typeof approvalRequest>;

/** Payloads that work with this config: they name its own remediations and checks, not the sample's. */
export function remediateExamples(config: Pick<VigilConfig, 'remediations' | 'checks' | 'whole'>) {
  const remediation = config.remediations[0]?.id ?? 'orders-api-restart';
  const incident = `${firstCheckId(config) ?? 'api-health'}/1`;
  return {
    dryRun: { remediation, dryRun: true },
    run: { remediation, dryRun: false, approvedBy: 'alice', reason: '5XX since the 03:00 deploy', incident },
    approve: { remediation, approve: '<the id in the APPROVAL NEEDED message>', approvedBy: 'alice', reason: 'bad deploy at 03:02, rolling back' },
    automation: { automation: 'off', by: 'alice', reason: 'region failover drill' },
  };
}

/** Which request an event is, by the key only that request has; so each gets its own precise errors. */
export function remediateRequestOf(event: unknown): { schema: z.ZodMiniType; example: keyof ReturnType<typeof remediateExamples> } | undefined {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return undefined;
  if ('approve' in event) return { schema: approvalRequest, example: 'approve' };
  if ('automation' in event) return { schema: automationRequest, example: 'automation' };
  if ('remediation' in event) return { schema: manualRequest, example: 'run' };
  return undefined;
}
