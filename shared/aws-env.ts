import { SetupError } from './errors.js';

/** A required environment variable of a deployed function; the CDK stack sets them all. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new SetupError(`environment variable ${name} is not set; deploy with the CDK stack or set it for local runs`);
  return value;
}
