import type { CheckConfig } from '../config/schema.js';
import type { IncidentPolicy } from '../incidents/policy.js';
import type { Incident, Transition } from '../incidents/types.js';
import { knownSecrets } from '../secrets/mask.js';

export interface Notification {
  subject: string;
  body: string;
  attributes: Record<string, string | string[]>;
}

// SNS: a subject is ASCII, one line, under 100 characters; a message at most 256 KB. Ours stay far below.
const SUBJECT_MAX = 99;
const BODY_MAX = 16 * 1024;

const HEADLINE: Record<Transition['kind'], string> = {
  opened: 'OPEN',
  repeated: 'STILL OPEN',
  escalated: 'ESCALATED',
  acknowledged: 'ACK',
  resolved: 'RESOLVED',
  silenced: 'SILENCED',
  unsilenced: 'UNSILENCED',
  proposed: 'APPROVAL NEEDED',
  acted: 'ACTION TAKEN',
};

export interface MessageContext {
  check: CheckConfig | undefined;
  policy: IncidentPolicy | undefined;
  /** How to name the incidents function in the ack instructions, e.g. `vigil-prod-incidents`. */
  incidentsFunction: string;
}

/** The SNS message for one transition: readable subject and body, attributes for subscription filters. */
export function buildNotification(incident: Incident, transition: Transition, ctx: MessageContext): Notification {
  const headline = HEADLINE[transition.kind];
  const count = transition.kind === 'opened' ? ` for ${incident.failuresAtOpen} checks` : '';
  const tags = ctx.check?.tags ?? {};
  const dedupKey = dedupKeyOf(incident.id, transition.seq);
  return {
    subject: subjectLine(`[${incident.severity}][${headline}] ${incident.checkId}: ${incident.summary}${count}`),
    body: truncate(`${body(incident, transition, ctx)}\n\n${dedupLine(dedupKey)}`, BODY_MAX),
    attributes: {
      dedupKey,
      severity: incident.severity,
      state: incident.state,
      transition: transition.kind,
      checkId: incident.checkId,
      service: tags.service ?? 'none',
      tags: Object.entries(tags).map(([k, v]) => `${k}=${v}`),
    },
  };
}

function body(incident: Incident, t: Transition, ctx: MessageContext): string {
  const lines: string[] = [];
  const what = {
    opened: `${incident.checkId} is failing.`,
    repeated: `${incident.checkId} is still failing and nobody has acknowledged it (reminder ${incident.notificationsSent - 1}).`,
    escalated: `${incident.checkId} has not been acknowledged within its response time.`,
    acknowledged: `${t.by} acknowledged ${incident.checkId}.`,
    resolved: t.by === 'vigil' ? `${incident.checkId} recovered.` : `${t.by} resolved ${incident.checkId}.`,
    silenced: `${t.by} silenced ${incident.checkId}: no more notifications for this incident${incident.silencedUntil ? ` until ${incident.silencedUntil}` : ''}.`,
    unsilenced: `${t.by} lifted the silence on ${incident.checkId}: notifications resume.`,
    proposed: `Vigil proposes a fix for ${incident.checkId} and needs a human to approve it.`,
    acted: `${t.by} took an action for ${incident.checkId}.`,
  }[t.kind];
  lines.push(what, '');
  lines.push(`Summary:   ${incident.summary}`);
  lines.push(`Target:    ${incident.target}`);
  lines.push(`Severity:  ${incident.severity}${ctx.policy ? ` (respond within ${minutes(ctx.policy.respondMinutes)})` : ''}`);
  lines.push(`Failing since: ${incident.failingSince}`);
  const observed = Object.entries(incident.observed)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  if (observed) lines.push(`Observed:  ${observed}`);
  if (t.reason) lines.push(`Why:       ${t.reason}`);
  lines.push(`Incident:  ${incident.id} (${incident.state})${incident.previousId ? `, follows ${incident.previousId}` : ''}`);
  if (ctx.check?.runbook) lines.push('', 'Runbook:', ctx.check.runbook);
  if (t.approval) {
    lines.push('', `Approve before ${t.approval.expiresAt}: invoke ${t.approval.function} from the Lambda console with`);
    lines.push(`  ${JSON.stringify(t.approval.payload)}`);
  }
  if (incident.state === 'open') {
    lines.push('', `Acknowledge: invoke ${ctx.incidentsFunction} from the Lambda console with`);
    lines.push(`  ${JSON.stringify({ op: 'ack', incident: incident.id, by: 'your-name', reason: 'looking into it' })}`);
  }
  return lines.join('\n');
}

function minutes(m: number): string {
  if (m % 1440 === 0) return `${m / 1440} day${m === 1440 ? '' : 's'}`;
  if (m % 60 === 0) return `${m / 60} h`;
  return `${m} min`;
}

/** One transition's identity: every copy of its message carries it, so a subscriber (PagerDuty, a chat bot) can drop repeats. */
const dedupKeyOf = (incidentId: string, seq: number) => `${incidentId}#${seq}`;

export const dedupLine = (key: string) => `Deduplication key: ${key}`;

/** An SNS subject: one ASCII line under 100 characters. */
export function subjectLine(text: string): string {
  // Masked before it is cut, so no piece of a secret survives the cut.
  const subject = ascii(knownSecrets.text(text));
  return subject.length > SUBJECT_MAX ? `${subject.slice(0, SUBJECT_MAX - 3)}...` : subject;
}

function ascii(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}

function truncate(unmasked: string, max: number): string {
  const text = knownSecrets.text(unmasked);
  return Buffer.byteLength(text) <= max
    ? text
    : `${Buffer.from(text)
        .subarray(0, max - 20)
        .toString('utf8')}\n[truncated]`;
}
