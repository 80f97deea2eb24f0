import { describe, expect, it } from 'vitest';
import { runDemo } from '../shared/demo/scenario.js';

describe('npm start (the demo)', () => {
  it('shows the fault in the round it starts, the recovery in the round it ends, and stops its targets', async () => {
    const out: string[] = [];
    const code = await runDemo({ intervalMs: 0, io: { out: (t) => out.push(t), err: (t) => out.push(t), color: false }, signal: new AbortController().signal });
    const text = out.join('\n');
    expect(code).toBe(0);
    expect(text).toMatch(/── round 3 .* fault injected[^\n]*\n(?:.*\n)*?FAIL +api-health .*HTTP 503 \(expected 200\); status unhealthy \(database unhealthy\)/);
    expect(text).toContain('changed: api-health ok → FAIL');
    expect(text).toContain('changed: api-health FAIL → WARN');
    expect(text).toContain('changed: api-health WARN → ok');
    expect(text).toMatch(/WARN +api-certificate .* certificate expires in 12 days/);
    expect(text).toContain('Targets stopped.');
  });

  it('stops at once and cleans up when interrupted', async () => {
    const stop = new AbortController();
    const out: string[] = [];
    const run = runDemo({ intervalMs: 60_000, io: { out: (t) => out.push(t), err: () => undefined, color: false }, signal: stop.signal });
    setTimeout(() => stop.abort(), 300);
    expect(await run).toBe(130);
    expect(out.at(-1)).toBe('\nStopped; targets closed.');
  });
});
