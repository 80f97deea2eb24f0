import type { CheckConfig } from '../config/schema.js';
import type { IncidentPolicy } from '../incidents/policy.js';
import type { Incident, Transition } from '../state/check-state.js';
import { knownSecrets } from '../secrets/mask.js';
import type { FailingDependent, GroupTold } from './dependents.js';

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
  observed: 'DRY RUN',
  flapping: 'FLAPPING',
  updated: 'UPDATE',
};

export interface MessageContext {
  check: CheckConfig | undefined;
  policy: IncidentPolicy | undefined;
  /** How to name the incidents function in the ack instructions, e.g. `vigil-prod-incidents`. */
  incidentsFunction: string;
  /** The checks that depend on this one and fail now: named here, not paged on their own. */
  dependents?: FailingDependent[];
  /** The incidents of its group opened close after it: told here, not on their own. */
  grouped?: GroupTold | undefined;
}

/** How many dependents (or incidents of its group) a message names one by one; the rest are counted. */
const LISTED_SHOWN = 50;

/** The SNS message for one transition: readable subject and body, attributes for subscription filters. */
export function buildNotification(incident: Incident, transition: Transition, ctx: MessageContext): Notification {
  const action = transition.action;
  const headline = HEADLINE[transition.kind];
  const count = transition.kind === 'opened' ? ` for ${incident.failuresAtOpen} checks` : '';
  const tags = ctx.check?.tags ?? {};
  const dedupKey = dedupKeyOf(incident.id, transition.seq);
  // An action's subject says what was done; a resolution after Vigil's, who fixed it.
  const headlineText = action
    ? action.result && !action.dryRun
      ? action.result
      : `${action.dryRun ? 'would ' : ''}${action.summary}`
    : `${incident.summary}${count}${fixedByVigil(incident, transition) ? ' (fixed by Vigil)' : ''}`;
  return {
    subject: subjectLine(
      `[${incident.severity}][${headline}] ${groupTag(ctx.grouped, transition)}${incident.checkId}${dependentsTag(ctx.dependents, transition)}: ${headlineText}`,
    ),
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

/** The action Vigil took that a recovery follows: named in the resolution, so nobody thinks it healed alone. */
function fixedByVigil(incident: Incident, t: Transition): string | undefined {
  if (t.kind !== 'resolved' || t.by !== 'vigil') return undefined;
  const last = incident.actions?.filter((a) => !a.dryRun && a.by === 'vigil').at(-1);
  return last && (last.result ?? last.summary);
}

const stillFor = ({ policy }: MessageContext) => (policy?.flapping ? ` for ${minutes(policy.flapping.stableMinutes)}` : '');

function body(incident: Incident, t: Transition, ctx: MessageContext): string {
  const lines: string[] = [];
  const fixed = fixedByVigil(incident, t);
  const acted = t.action;
  const what = {
    opened: `${incident.checkId} is failing.`,
    repeated: `${incident.checkId} is still failing and nobody has acknowledged it (reminder ${incident.notificationsSent - 1}).`,
    escalated: t.run
      ? `Vigil's runbook ${t.run.runbook} hands ${incident.checkId} over to you: ${t.reason ?? 'it could not fix it'}.`
      : t.level?.deadline
        ? `${incident.checkId} has not been resolved within its resolution time; escalated to ${t.level.name}.`
        : `${incident.checkId} has not been acknowledged within its response time${t.level && t.level.index > 1 ? `; escalated to ${t.level.name} (level ${t.level.index})` : ''}.`,
    acknowledged: `${t.by} acknowledged ${incident.checkId}.`,
    resolved: fixed
      ? `${incident.checkId} recovered; fixed by Vigil: ${fixed}.`
      : t.by === 'vigil'
        ? `${incident.checkId} recovered.`
        : `${t.by} resolved ${incident.checkId}.`,
    silenced: `${t.by} silenced ${incident.checkId}: no more notifications for this incident${incident.silencedUntil ? ` until ${incident.silencedUntil}` : ''}.`,
    unsilenced: `${t.by} lifted the silence on ${incident.checkId}: notifications resume.`,
    proposed: `Vigil proposes a fix for ${incident.checkId} and needs a human to approve it.`,
    acted: !acted
      ? `${t.by} took an action for ${incident.checkId}.`
      : acted.by === 'vigil'
        ? `Vigil acted on ${incident.checkId}, by itself.`
        : `${acted.by} acted on ${incident.checkId} through Vigil.`,
    observed: `Vigil would have acted on ${incident.checkId} (dry run: its remediation is in observe mode; nothing was changed).`,
    updated:
      t.by === 'vigil'
        ? `Status of ${incident.checkId}: ${t.reason ?? 'still open'} (${incident.state === 'acknowledged' ? `acknowledged by ${incident.acknowledgedBy ?? 'the on-call'}` : 'not yet acknowledged'}).`
        : `Update from ${t.by} on ${incident.checkId}: ${t.reason ?? ''}`,
    flapping: `${incident.checkId} is flapping: it keeps changing between failing and passing. Until it holds still${stillFor(ctx)}, Vigil sends nothing more about it and no runbook acts for it; then you hear whether it settled failing or passing.`,
  }[t.kind];
  lines.push(what, '');
  if (acted) {
    lines.push(`Did:       ${acted.dryRun ? 'would ' : ''}${acted.summary}`);
    if (acted.result) lines.push(`${acted.dryRun ? 'Why not:  ' : 'Result:   '} ${acted.result}`);
    if (acted.remediation) lines.push(`Action:    ${acted.remediation}${acted.target ? ` on ${acted.target}` : ''}${acted.dryRun ? ' (dry run)' : ''}`);
    if (acted.reason) lines.push(`Why:       ${acted.reason}`);
    if (acted.run) lines.push(`Run:       ${acted.run}${acted.runbook ? ` (runbook ${acted.runbook})` : ''}`);
    lines.push('');
  }
  if (t.kind === 'escalated' && t.run) {
    const done = (incident.actions ?? []).filter((a) => a.run === t.run!.id);
    for (const a of done) lines.push(`Vigil did: ${a.dryRun ? 'would ' : ''}${a.summary}${a.result && !a.dryRun ? ` (${a.result})` : ''}`);
    if (!done.length) lines.push('Vigil did nothing: see why above.');
    lines.push('');
  }
  lines.push(`Summary:   ${incident.summary}`);
  lines.push(`Target:    ${incident.target}`);
  lines.push(`Severity:  ${incident.severity}${ctx.policy ? ` (respond within ${minutes(ctx.policy.respondMinutes)})` : ''}`);
  lines.push(`Failing since: ${incident.failingSince}`);
  const observed = Object.entries(incident.observed)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  if (observed) lines.push(`Observed:  ${observed}`);
  // An action's, a runbook's hand-over and an update say theirs above.
  if (t.reason && !acted && !(t.kind === 'escalated' && t.run) && t.kind !== 'updated') lines.push(`Why:       ${t.reason}`);
  lines.push(`Incident:  ${incident.id} (${incident.state})${incident.previousId ? `, follows ${incident.previousId}` : ''}`);
  // Stakeholders get the status, not the on-call's notes and instructions.
  const forOnCall = t.kind !== 'updated';
  if (ctx.check?.runbook && forOnCall) lines.push('', 'Runbook:', ctx.check.runbook);
  lines.push(...groupLines(ctx.grouped, t));
  lines.push(...dependentLines(ctx.dependents, t));
  if (t.approval) {
    lines.push('', `Approve before ${t.approval.expiresAt}: invoke ${t.approval.function} from the Lambda console with`);
    lines.push(`  ${JSON.stringify(t.approval.payload)}`);
  }
  if (incident.state === 'open' && forOnCall) {
    lines.push('', `Acknowledge: invoke ${ctx.incidentsFunction} from the Lambda console with`);
    lines.push(`  ${JSON.stringify({ op: 'ack', incident: incident.id, by: 'your-name', reason: 'looking into it' })}`);
    if (ctx.grouped) lines.push(`Acknowledging or silencing it covers the ${ctx.grouped.members.length} told with it.`);
  }
  return lines.join('\n');
}

/** In the subject, the dependents a failure takes down with it: `orders-db (+20 dependents)`. */
function dependentsTag(dependents: FailingDependent[] | undefined, t: Transition): string {
  const n = dependents?.length ?? 0;
  return n && t.kind !== 'resolved' ? ` (+${n} dependent${n > 1 ? 's' : ''})` : '';
}

/** In the subject, the group an outage spans: `4 checks of orders failing: api-health: ...`. */
function groupTag(grouped: GroupTold | undefined, t: Transition): string {
  return grouped && t.kind !== 'resolved' ? `${grouped.members.length + 1} checks of ${grouped.group} failing: ` : '';
}

function groupLines(grouped: GroupTold | undefined, t: Transition): string[] {
  if (!grouped) return [];
  const n = grouped.members.length;
  const head =
    t.kind === 'resolved'
      ? `Still failing of those told with it (${n}); each pages on its own if it keeps failing:`
      : `Failing with it, of its group ${grouped.group} (${n}); told here, not paged on their own:`;
  return ['', head, ...listed(grouped.members)];
}

function dependentLines(dependents: FailingDependent[] | undefined, t: Transition): string[] {
  if (!dependents?.length) return [];
  const n = dependents.length;
  const head =
    t.kind === 'resolved'
      ? `Still failing of the checks that depend on it (${n}); each pages on its own if it keeps failing:`
      : `Failing with it, because they depend on it (${n}); not paged on their own:`;
  return ['', head, ...listed(dependents)];
}

function listed(checks: readonly FailingDependent[]): string[] {
  const shown = checks.slice(0, LISTED_SHOWN).map((d) => `  - ${d.checkId}: ${d.summary}`);
  return [...shown, ...(checks.length > LISTED_SHOWN ? [`  ... and ${checks.length - LISTED_SHOWN} more`] : [])];
}

function minutes(m: number): string {
  if (m % 1440 === 0) return `${m / 1440} day${m === 1440 ? '' : 's'}`;
  if (m % 60 === 0) return `${m / 60} h`;
  return `${m} min`;
}

/** One transition's identity: every copy of its message carries it, so a subscriber (PagerDuty, a chat bot) can drop repeats. */
export const dedupKeyOf = (incidentId: string, seq: number) => `${incidentId}#${seq}`;

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
