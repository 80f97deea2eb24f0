import * as z from '../zod.js';
import { VigilError } from '../errors.js';

/**
 * Where a password comes from. Deployed: Secrets Manager (an RDS-style JSON secret, or a plain
 * string). Locally: an environment variable, or a value in the config (for throwaway databases only).
 */
export const passwordSource = z.union([
  z.strictObject({ secret: z.string().check(z.minLength(1)) }),
  z.strictObject({ env: z.string().check(z.regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name like "ORDERS_DB_PASSWORD"')) }),
  z.strictObject({ value: z.string().check(z.minLength(1)) }),
]);

export type PasswordSource = z.output<typeof passwordSource>;

export interface Credentials {
  user?: string;
  password: string;
}

/** Reads a secret's string; `fresh` skips any cache (after an authentication failure). */
export interface SecretsPort {
  getSecret(id: string, fresh: boolean): Promise<string>;
}

/** A credential could not be read; says which source, never the value. */
export class CredentialsError extends VigilError {
  override name = 'CredentialsError';
}

/**
 * Resolves password sources. Secrets are cached by the port (at most 5 minutes, across invocations of
 * a warm function); `refetch` reads again once, so a rotated password is picked up after one failure.
 */
class CredentialResolver {
  constructor(
    private readonly secrets: SecretsPort | undefined,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {}

  async resolve(source: PasswordSource, fresh = false): Promise<Credentials> {
    if ('value' in source) return { password: source.value };
    if ('env' in source) {
      const password = this.env[source.env];
      if (!password) throw new CredentialsError(`environment variable ${source.env} is not set`);
      return { password };
    }
    if (!this.secrets) throw new CredentialsError(`secret ${source.secret} cannot be read: no Secrets Manager client`);
    let text: string;
    try {
      text = await this.secrets.getSecret(source.secret, fresh);
    } catch (err) {
      throw new CredentialsError(`secret ${source.secret} cannot be read: ${(err as Error).name}`);
    }
    return parseSecret(text, source.secret);
  }
}

/** `{"username": …, "password": …}` as RDS and DocumentDB rotation write it, or the password alone. */
function parseSecret(text: string, id: string): Credentials {
  if (!text.trimStart().startsWith('{')) return { password: text };
  let json: { username?: unknown; password?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw new CredentialsError(`secret ${id} looks like JSON but does not parse`);
  }
  if (typeof json.password !== 'string') throw new CredentialsError(`secret ${id} has no "password" field`);
  return { password: json.password, ...(typeof json.username === 'string' ? { user: json.username } : {}) };
}

/** Takes the password out of an error's message and its stack (which repeats the message), wherever a driver may have put it. */
function redactPassword(err: unknown, creds: Credentials): unknown {
  if (!(err instanceof Error) || !creds.password) return err;
  const redact = (text: string) => text.split(creds.password).join('***');
  err.message = redact(err.message);
  if (err.stack) err.stack = redact(err.stack);
  return err;
}

/**
 * Resolves `source` and runs `use` with it. After an authentication failure it reads a secret again
 * once (it may have been rotated) and retries. The password is redacted from every error that leaves.
 */
export async function withCredentials<T>(source: PasswordSource, secrets: SecretsPort | undefined, isAuthFailure: (err: unknown) => boolean, use: (creds: Credentials) => Promise<T>): Promise<T> {
  const resolver = new CredentialResolver(secrets);
  let creds = await resolver.resolve(source);
  try {
    return await use(creds);
  } catch (err) {
    if (!isAuthFailure(err) || !('secret' in source)) throw redactPassword(err, creds);
    creds = await resolver.resolve(source, true);
    try {
      return await use(creds);
    } catch (again) {
      throw redactPassword(again, creds);
    }
  }
}
