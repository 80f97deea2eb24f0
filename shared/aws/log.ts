import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../log.js';
import { maskedLog } from '../secrets/sinks.js';

/** A deployed function's log: Powertools' JSON lines, each masked with the secrets the process knows. */
export function vigilLog(functionName: string): Log {
  return maskedLog(new Logger({ serviceName: 'vigil', persistentKeys: { function: functionName } }));
}
