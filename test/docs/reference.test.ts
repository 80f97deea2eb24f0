import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configurationReference } from '../../app/docs/reference.js';
import { withKindsTable } from '../../app/docs/kinds-table.js';
import { commentFor, settingComments } from '../../app/docs/comments.js';
import { configSchema } from '../../shared/config/schema.js';
import { allProbes } from '../../shared/probes/index.js';
import { allRemediations } from '../../shared/remediations/index.js';
import type { Remediation } from '../../shared/remediations/remediation.js';
import * as z from '../../shared/zod.js';

describe('docs/configuration.md', () => {
  it('is what the registry and the schemas say now (npm run docs writes it)', () => {
    const written = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const fresh = configurationReference();
    if (written !== fresh) expect.fail('docs/configuration.md is stale: run npm run docs, and commit it');
  });

  it("writes the README's table of kinds from the registry: every check and remediation, as registered now", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    if (withKindsTable(readme) !== readme) expect.fail("README.md's table of kinds is stale: run npm run docs, and commit it");
    for (const kind of [...allProbes, ...allRemediations].map((k) => k.kind)) expect(readme).toContain(`| \`${kind}\` |`);
  });

  it('shows an example of every kind that a config accepts as written', () => {
    const example = (kind: string) => allProbes.find((p) => p.kind === kind)!.example;
    // The checks a remediation's example names, as checks of the kind it takes.
    const named = allRemediations.flatMap((r) => (r as unknown as Remediation).namedChecks?.(r.settings.parse(r.example) as never) ?? []);
    const checks = [
      ...allProbes.map((p) => ({ id: `example-${p.kind}`, kind: p.kind, ...p.example })),
      ...named.map(({ id, kinds }) => ({ id, kind: kinds?.[0] ?? 'http', ...example(kinds?.[0] ?? 'http') })),
    ];
    const remediations = allRemediations.map((r) => ({ id: `example-${r.kind}`, kind: r.kind, ...r.example }));
    const parsed = z.safeParse(configSchema, { checks, remediations });
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
  });

  it('lists each kind with its settings, grants and permissions', () => {
    const reference = configurationReference();
    for (const kind of [...allProbes, ...allRemediations].map((k) => k.kind)) expect(reference).toContain(`### ${kind}\n`);
    expect(reference).toMatch(/### pg\n[\s\S]*?\| `measure` \| one of `connectivity`, `connections`, [^\n]*\| `"connectivity"` \|/);
    expect(reference).toMatch(/### pg-terminate-idle\n[\s\S]*?Its database user needs: `pg_monitor` and `pg_signal_backend`/);
    expect(reference).toMatch(/### ecs-restart\n[\s\S]*?AWS permissions [^\n]*`ecs:DescribeServices`, `ecs:UpdateService` on its target/);
  });
});

describe('settingComments', () => {
  const source = [
    'const settings = z.strictObject({',
    '  /** What to measure. */',
    "  measure: z._default(z.enum(['a', 'b']), 'a'),",
    '  thresholds: z.prefault(',
    '    z.strictObject({',
    '      /**',
    '       * Replay lag.',
    '       * Default: warn 30 s.',
    '       */',
    '      lagSeconds: upperLimits(30, 300),',
    '    }),',
    '    {},',
    '  ),',
    '  // not a doc comment',
    '  target: z.string(),',
    '});',
  ].join('\n');

  it('reads each doc comment with the property names it sits under', () => {
    expect(settingComments(source)).toEqual([
      { path: ['measure'], text: 'What to measure.' },
      { path: ['thresholds', 'lagSeconds'], text: 'Replay lag. Default: warn 30 s.' },
    ]);
  });

  it('gives a row the comment at its path, not one of the same name elsewhere', () => {
    const comments = [
      { path: ['headers'], text: 'Request headers.' },
      { path: ['thresholds', 'lagSeconds'], text: 'Replay lag.' },
    ];
    expect(commentFor(['headers'], [{ comments }])).toBe('Request headers.');
    expect(commentFor(['preflight', 'headers'], [{ comments }])).toBeUndefined();
    expect(commentFor(['preflight', 'headers'], [{ comments, shared: true }])).toBe('Request headers.');
    expect(commentFor(['checks', 'thresholds', 'lagSeconds'], [{ comments }])).toBe('Replay lag.');
  });
});
