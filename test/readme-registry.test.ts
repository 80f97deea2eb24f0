import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MONGO_MEASURES } from '../shared/db/mongo-measures.js';
import { PG_MEASURES } from '../shared/db/pg-measures.js';
import { REDIS_MEASURES } from '../shared/db/redis-measures.js';
import { PRESETS } from '../shared/probes/metric-presets.js';
import { probeRegistry } from '../shared/probes/index.js';
import { remediationRegistry } from '../shared/remediations/index.js';

// The README's lists of what the registry holds, checked against it: hand-kept lists had drifted.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The code spans in the first column of the table whose header starts with `| <first> |`. */
function firstColumn(first: string): string[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  expect(start, `a table headed "| ${first} |"`).toBeGreaterThanOrEqual(0);
  const rows = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!.split('|')[1]!);
  return rows.flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

const row = (kind: string) => readme.split('\n').find((l) => l.startsWith(`| \`${kind}\` |`)) ?? '';
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('the README against the registry', () => {
  it('lists every probe in the probes table, and no other', () => {
    expect(sorted(firstColumn('kind'))).toEqual(sorted(probeRegistry.keys()));
  });

  it("names every probe kind in the check's `kind` field", () => {
    const kindRow = readme.split('\n').find((l) => l.startsWith('| `kind` |'))!;
    expect(sorted([...kindRow.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!).filter((k) => k !== 'kind'))).toEqual(sorted(probeRegistry.keys()));
  });

  it('lists every metric preset, and no other', () => {
    expect(sorted(firstColumn('preset'))).toEqual(sorted(Object.keys(PRESETS)));
  });

  it('names every measure of the database probes in their rows', () => {
    for (const [kind, measures] of [
      ['pg', PG_MEASURES],
      ['mongo', MONGO_MEASURES],
      ['redis', REDIS_MEASURES],
    ] as const) {
      const missing = measures.filter((m) => !row(kind).includes(`\`${m}\``));
      expect(missing, kind).toEqual([]);
    }
  });

  it('describes every remediation', () => {
    const [from, to] = [readme.indexOf('- **Remediations**:'), readme.indexOf('- **Guardrails')];
    expect(from).toBeGreaterThan(0);
    expect(to).toBeGreaterThan(from);
    const section = readme.slice(from, to);
    expect([...remediationRegistry.keys()].filter((kind) => !section.includes(`\`${kind}\``))).toEqual([]);
  });
});
