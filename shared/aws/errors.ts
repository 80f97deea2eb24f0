import { VigilError } from '../errors.js';

/** AWS answered, but not with exactly one unambiguous thing to act on: never guess, hand over to a human. */
export class TargetUnresolvedError extends VigilError {
  override name = 'TargetUnresolvedError';
}
