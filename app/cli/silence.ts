import { parseArgs } from 'node:util';
import { RequestError } from '../../shared/errors.js';
import type { Io } from '../terminal/io.js';
import { readable } from './incidents.js';
import { actor, operatorOptions } from './operator-args.js';
import { invokeFunction } from './invoke.js';

export const silenceUsage =
  'vigil silence (--check <id> | --incident <id> | --tag key=value ...) [--for 30m] --reason "why" [--by name] [--json]   (vigil unsilence: the same, without --for)';

/**
 * Silences (or lifts the silence on) a check, an incident, or every check with some tags, as the incidents
 * function would from the console: on the local state, or on the table TABLE_NAME names with your
 * credentials. A deploy step: silence the service before, lift it after.
 */
export async function silenceCommand(op: 'silence' | 'unsilence', args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      check: { type: 'string' },
      incident: { type: 'string' },
      tag: { type: 'string', multiple: true },
      for: { type: 'string' },
      ...operatorOptions,
    },
  });
  if (!values.reason?.trim()) throw new RequestError(`--reason is required: say why, e.g. --reason "deploying orders v1.4.2". Usage: ${silenceUsage}`);
  if (op === 'unsilence' && values.for) throw new RequestError(`--for: lifting a silence takes no length. Usage: ${silenceUsage}`);
  const tags = values.tag?.length ? Object.fromEntries(values.tag.map(tagOf)) : undefined;
  const event = {
    op,
    ...(values.check ? { check: values.check } : {}),
    ...(values.incident ? { incident: values.incident } : {}),
    ...(tags ? { tags } : {}),
    ...(values.for ? { for: values.for } : {}),
    by: actor(values.by),
    reason: values.reason,
  };
  return invokeFunction('incidents', event, io, values, values.json ? undefined : readable);
}

function tagOf(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) throw new RequestError(`--tag ${text}: expected key=value, e.g. --tag service=orders`);
  return [text.slice(0, at), text.slice(at + 1)];
}
