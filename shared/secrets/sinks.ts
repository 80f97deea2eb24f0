import type { Log } from '../log.js';
import { knownSecrets, type Redactor } from './mask.js';

/** A log whose every line, and every field of it, is masked with the secrets the process knows. */
export function maskedLog(log: Log, redactor: Redactor = knownSecrets): Log {
  const line =
    (level: keyof Log) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      log[level](redactor.text(message), ...extra.map((e) => redactor.deep(e)));
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** A Lambda handler whose answer and whose error (Lambda logs both) are masked. */
export function maskedHandler<A extends unknown[], R>(handler: (...args: A) => Promise<R>, redactor: Redactor = knownSecrets): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return redactor.deep(await handler(...args));
    } catch (err) {
      throw redactor.error(err);
    }
  };
}
