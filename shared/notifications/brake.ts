import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Brake, HeldAction } from '../state/brake.js';
import type { Log } from '../log.js';
import type { Timeline } from '../state/ports.js';
import { dedupLine, subjectLine, type Notification } from './message.js';
import type { Publisher } from './publisher.js';

/** The brake went on, or came off: each sent once, on the escalation topic. */
export interface BrakeChange {
  kind: 'on' | 'off';
  at: string;
  brake: Brake;
}

/** The brake change a stream record carries; undefined for any other item or write. */
export function brakeChangeIn(record: DynamoDBRecord): BrakeChange | undefined {
  const image = (which: 'NewImage' | 'OldImage') => {
    const raw = record.dynamodb?.[which];
    const item = raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;
    return item?.type === 'brake' ? (item.brake as Brake) : undefined;
  };
  const next = image('NewImage');
  if (!next) return undefined;
  const old = image('OldImage');
  if (next.engaged && next.engaged.at !== old?.engaged?.at) return { kind: 'on', at: next.engaged.at, brake: next };
  if (next.lifted && next.lifted.at !== old?.lifted?.at) return { kind: 'off', at: next.lifted.at, brake: next };
  return undefined;
}

/** How many held actions a message names; the rest are counted. */
const SHOWN = 50;

/** The page that the brake is on, or the message that it is off, with what it held back. */
export function buildBrakeNotification(change: BrakeChange, incidentsFunction: string): Notification {
  const { brake } = change;
  const dedupKey = `brake#${change.at}#${change.kind}`;
  const lines: string[] = [];
  let subject: string;
  if (change.kind === 'on') {
    const reason = brake.engaged!.reason;
    subject = `[VIGIL BRAKE] automatic actions held: ${reason}`;
    lines.push(
      `Vigil stopped every automatic action at ${change.at}: ${reason}.`,
      '',
      'Until the brake is lifted, each action a runbook would take on its own is proposed instead ([APPROVAL NEEDED] on its incident, approved from the console as usual), so no per-target fix goes into an outage whose cause may be elsewhere. Checks, incidents and messages go on as usual.',
      ...heldLines('Held so far', brake.held ?? []),
      '',
      'It lifts by itself once fewer incidents are active than it engages on, for its calm time (brake.calmMinutes).',
      `Release it now: invoke ${incidentsFunction} from the Lambda console with`,
      `  ${JSON.stringify({ op: 'release-brake', by: 'your-name', reason: 'the outage is understood' })}`,
    );
  } else {
    const lifted = brake.lifted!;
    subject = `[VIGIL BRAKE OFF] automatic actions resume (${lifted.by === 'vigil' ? 'calm again' : `released by ${lifted.by}`})`;
    lines.push(
      `The brake is off since ${change.at}: ${lifted.by === 'vigil' ? lifted.reason : `${lifted.by} released it: ${lifted.reason}`}. Runbooks act on their own again, within their guardrails.`,
      ...heldLines('What it held back (each was proposed on its incident; an approval not given is not acted on)', lifted.held),
    );
  }
  return {
    subject: subjectLine(subject),
    body: [...lines, '', dedupLine(dedupKey)].join('\n'),
    attributes: { dedupKey, severity: 'P1', state: `brake-${change.kind}`, transition: `brake-${change.kind}`, checkId: 'vigil', service: 'none', tags: [] },
  };
}

function heldLines(head: string, held: readonly HeldAction[]): string[] {
  if (!held.length) return ['', `${head}: nothing yet.`];
  const shown = held
    .slice(-SHOWN)
    .map((h) => `  - ${h.at} ${h.remediation} on ${h.target}: would ${h.summary}${h.incidentId ? ` (incident ${h.incidentId})` : ''}`);
  return ['', `${head} (${held.length}):`, ...shown];
}

/** Where a brake message's delivery is recorded: a timeline of its own, one line per change. */
const BRAKE_TIMELINE = 'vigil/brake';

/** Sends a brake change once: its delivery line says it went, so a record delivered again sends nothing. */
export async function deliverBrake(
  change: BrakeChange,
  deps: { store: Timeline; publisher: Publisher; topics: { main: string; escalation?: string | undefined }; incidentsFunction: string; log: Log },
): Promise<void> {
  const sent = await deps.store.getTimelineEntry(BRAKE_TIMELINE, change.at, change.kind).catch(() => undefined);
  if (sent) return;
  const message = buildBrakeNotification(change, deps.incidentsFunction);
  await deps.publisher.publish(deps.topics.escalation ?? deps.topics.main, message);
  await deps.store.putDeliveryLine(BRAKE_TIMELINE, { at: change.at, kind: 'notified', by: 'vigil', summary: message.subject, key: change.kind });
  deps.log.warn(`notified: ${message.subject}`);
}
