import { afterEach, describe, expect, it } from 'vitest';
import { vigilLog } from '../../shared/aws/log.js';
import { knownSecrets } from '../../shared/secrets/mask.js';

// The deployed functions' logger, as it writes: Powertools' JSON lines on stdout and stderr.
const streams = [process.stdout, process.stderr] as const;
const writes = streams.map((s) => s.write);
afterEach(() => streams.forEach((s, i) => (s.write = writes[i]!)));

function captured(run: () => void): string {
  let out = '';
  for (const s of streams) s.write = ((chunk: string) => ((out += chunk), true)) as typeof s.write;
  try {
    run();
  } finally {
    streams.forEach((s, i) => (s.write = writes[i]!));
  }
  return out;
}

describe("a deployed function's log line", () => {
  it('masks a known secret in its message, its fields and an error it carries, in every form', () => {
    const secret = 'Log-Sentinel/9+x';
    knownSecrets.add(secret);
    const out = captured(() =>
      vigilLog('test').warn(
        `login as ${secret} failed`,
        { echoed: encodeURIComponent(secret), nested: { b64: Buffer.from(secret).toString('base64') } },
        { error: new Error(`driver said ${secret}`) },
      ),
    );
    expect(out).toContain('login as *** failed');
    expect(out).toContain('driver said ***');
    for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), JSON.stringify(secret).slice(1, -1)])
      expect(out).not.toContain(form);
  });
});
