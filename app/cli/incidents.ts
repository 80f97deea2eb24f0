import { parseArgs } from 'node:util';
import { RequestError } from '../../shared/errors.js';
import type { IncidentBrief } from '../../shared/incidents/brief.js';
import type { Io } from '../terminal/io.js';
import { refusal } from './answer.js';
import { actor, operatorOptions } from './operator-args.js';
import { invokeFunction, whereOptions } from './invoke.js';

export const incidentsUsage =
  'vigil incidents [list [--state active|open|acknowledged] [--limit 20] | get <incident> [--timeline 20]] [--json]\n  vigil ack|resolve <incident> --reason "why" [--by name] [--json]\n  vigil update <incident> --message "what stakeholders should know" [--public] [--by name] [--json]\n  vigil release-brake --reason "why" [--by name] [--json]';

/**
 * The on-call's console from a terminal: what the incidents function answers in the Lambda console, on the
 * local state, the table TABLE_NAME names, or with `--env` the deployed function. Readable by default; `--json` for scripts.
 */
export async function incidentsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { state: { type: 'string' }, limit: { type: 'string' }, timeline: { type: 'string' }, json: { type: 'boolean' }, ...whereOptions },
  });
  const [what = 'list', id, ...extra] = positionals;
  if (extra.length) throw new RequestError(`unexpected "${extra.join(' ')}". Usage: ${incidentsUsage}`);
  const print = values.json ? undefined : readable;
  if (what === 'list') {
    const event = { op: 'list', ...(values.state ? { state: values.state } : {}), ...(values.limit ? { limit: count('--limit', values.limit) } : {}) };
    return invokeFunction('incidents', event, io, values, print);
  }
  if (what === 'get') {
    if (!id) throw new RequestError(`name the incident, e.g. vigil incidents get api-health/3. Usage: ${incidentsUsage}`);
    const event = { op: 'get', incident: id, ...(values.timeline ? { timeline: count('--timeline', values.timeline) } : {}) };
    return invokeFunction('incidents', event, io, values, print);
  }
  throw new RequestError(`unknown "${what}": list or get. Usage: ${incidentsUsage}`);
}

/** `vigil ack <incident>` and `vigil resolve <incident>`: as the console's `ack` and `resolve`. */
export async function humanCommand(op: 'ack' | 'resolve', args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: operatorOptions,
  });
  const [incident, ...extra] = positionals;
  if (!incident || extra.length) throw new RequestError(`name one incident, e.g. vigil ${op} api-health/3 --reason "…". Usage: ${incidentsUsage}`);
  if (!values.reason?.trim()) throw new RequestError(`--reason is required: say why, e.g. --reason "looking into it". Usage: ${incidentsUsage}`);
  const event = { op, incident, by: actor(values.by), reason: values.reason };
  return invokeFunction('incidents', event, io, values, values.json ? undefined : readable);
}

/** `vigil update <incident>`: a status update to stakeholders (and the status page, with --public), as the console's `update`. */
export async function updateCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    // An update says what it says in --message; it takes no --reason.
    options: { message: { type: 'string' }, public: { type: 'boolean' }, by: operatorOptions.by, json: operatorOptions.json, ...whereOptions },
  });
  const [incident, ...extra] = positionals;
  if (!incident || extra.length) throw new RequestError(`name one incident, e.g. vigil update api-health/3 --message "…". Usage: ${incidentsUsage}`);
  if (!values.message?.trim())
    throw new RequestError(`--message is required: what stakeholders should know, e.g. --message "rolled back; errors falling". Usage: ${incidentsUsage}`);
  const event = { op: 'update', incident, by: actor(values.by), message: values.message, public: values.public ?? false };
  return invokeFunction('incidents', event, io, values, values.json ? undefined : readable);
}

/** `vigil release-brake`: lifts the brake over every automatic action now, as its [VIGIL BRAKE] page offers. */
export async function releaseBrakeCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: operatorOptions,
  });
  if (positionals.length) throw new RequestError(`unexpected "${positionals.join(' ')}". Usage: ${incidentsUsage}`);
  if (!values.reason?.trim()) throw new RequestError(`--reason is required: say why, e.g. --reason "the outage is understood". Usage: ${incidentsUsage}`);
  const event = { op: 'release-brake', by: actor(values.by), reason: values.reason };
  return invokeFunction('incidents', event, io, values, values.json ? undefined : readable);
}

function count(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RequestError(`${flag} ${text}: expected a whole number from 1, e.g. ${flag} 20`);
  return n;
}

type Answer = {
  done?: string;
  notified?: string;
  count?: number;
  more?: string;
  incidents?: IncidentBrief[];
  incident?: IncidentBrief;
  timeline?: string[];
  olderEntries?: number;
};

/** The incidents function's answer as a person reads it. */
export function readable(result: unknown): string {
  const a = result as Answer;
  const refused = refusal(result);
  if (refused) return refused;
  if (a.done) return [a.done, ...(a.incident ? [line(a.incident)] : []), ...(a.notified ? [`notified: ${a.notified}`] : [])].join('\n');
  if (a.incidents) return a.incidents.length ? [...a.incidents.map(line), ...(a.more ? [`(${a.more})`] : [])].join('\n') : 'no active incidents';
  if (a.incident && a.timeline)
    return [line(a.incident), '', ...(a.olderEntries ? [`(${a.olderEntries} older entries; --timeline shows more)`] : []), ...a.timeline].join('\n');
  return JSON.stringify(result, null, 2);
}

function line(i: IncidentBrief): string {
  const who = i.acknowledgedBy ? ` by ${i.acknowledgedBy}` : i.resolvedBy ? ` by ${i.resolvedBy}` : '';
  return `${i.id}  ${i.severity}  ${i.state}${who}${i.silenced ? ` (silenced ${i.silenced})` : ''}  opened ${i.openedAt}  ${i.summary}`;
}
