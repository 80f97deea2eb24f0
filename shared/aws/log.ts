import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../log.js';
import { knownSecrets } from '../secrets/mask.js';

/**
 * A deployed function's log: Powertools' JSON lines, every string in them (message, fields, an error's
 * message and stack) masked with the secrets the process knows as the line is written, so a line below
 * the log level (a passing check's DEBUG) costs nothing.
 */
export function vigilLog(functionName: string): Log {
  return new Logger({
    serviceName: 'vigil',
    persistentKeys: { function: functionName },
    jsonReplacerFn: (_key, value) => (typeof value === 'string' ? knownSecrets.text(value) : value),
  });
}
