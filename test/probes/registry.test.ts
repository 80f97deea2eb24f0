import { describe, expect, it } from 'vitest';
import { allProbes, probeRegistry } from '../../shared/probes/index.js';

describe.each(allProbes.map((p) => [p.kind, p] as const))('the %s probe', (_, probe) => {
  it('describes itself in a sentence', () => {
    expect(probe.description).toMatch(/^[A-Z].{20,}\.$/);
  });

  it('declares a target, and rejects unknown settings', () => {
    expect(Object.keys(probe.settings.shape)).toContain('target');
    expect(probe.settings.safeParse({ target: 'x', surprise: 1 }).success).toBe(false);
  });

  it('is registered under its kind, once', () => {
    expect(probeRegistry.get(probe.kind)).toBe(probe);
    expect(allProbes.filter((p) => p.kind === probe.kind)).toHaveLength(1);
  });
});
