import { knownSecrets, type Redactor } from './mask.js';

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
