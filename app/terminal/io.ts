import { styleText } from 'node:util';
import type { Status } from '../../shared/findings.js';
import { knownSecrets } from '../../shared/secrets/mask.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

/** The terminal: whatever the CLI prints is masked with the secrets the process has resolved. */
export const processIo: Io = {
  out: (text) => process.stdout.write(`${knownSecrets.text(text)}\n`),
  err: (text) => process.stderr.write(`${knownSecrets.text(text)}\n`),
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
};

const STYLE: Record<Status, Parameters<typeof styleText>[0]> = { ok: 'green', warn: 'yellow', fail: 'red', error: 'magenta' };

export function statusLabel(status: Status, color: boolean): string {
  const label = status === 'ok' ? 'ok' : status.toUpperCase();
  return color ? styleText(STYLE[status], label) : label;
}
