import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../shared/config/load.js';
import { probeRegistry } from '../../shared/probes/index.js';
import { remediationRegistry } from '../../shared/remediations/index.js';
import { KINDS_END, KINDS_START } from '../../app/docs/kinds-table.js';

// The README is the front door: short, every link leading somewhere, its config one that loads, and its
// hand-written lists of what the registry holds checked against the registry.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const readme = read('README.md');
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('the README', () => {
  it('fits on a screen or two: under 3,000 words of prose (the table of kinds, written from the registry, aside)', () => {
    const prose = readme.slice(0, readme.indexOf(KINDS_START)) + readme.slice(readme.indexOf(KINDS_END));
    expect(words(prose)).toBeLessThan(3000);
  });

  it("'s first config is one Vigil loads", async () => {
    const block = /## A first config[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-readme-'));
    const file = join(dir, 'vigil.config.ts');
    writeFileSync(file, block!.replace('./shared/config/index.js', join(ROOT, 'shared/config/index.js')));
    const config = await loadConfigFile(file);
    expect(config.checks.map((c) => c.id)).toEqual(['orders-health', 'orders-certificate', 'orders-db']);
    expect(config.runbooks[0]?.match.checks?.ids).toEqual(['orders-db']);
  });

  it('lists the grants of every kind that connects to a server as a user, and only those', () => {
    const table = readme.slice(readme.indexOf('| kind | grant |'), readme.indexOf('## What it checks and does'));
    const named = [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z0-9-]+)`/g)].map((k) => k[1]!));
    const withPrivileges = [...probeRegistry.values(), ...remediationRegistry.values()].filter((k) => k.privileges).map((k) => k.kind);
    expect(named.sort()).toEqual(withPrivileges.sort());
  });

  it('and the documents link only to files that exist', () => {
    const documents = [
      'README.md',
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const broken = documents.flatMap((doc) =>
      [...read(doc).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^https?:/.test(target))
        .filter((target) => !existsSync(resolve(dirname(join(ROOT, doc)), target)))
        .map((target) => `${doc} → ${target}`),
    );
    expect(broken).toEqual([]);
  });
});

describe('docs/operations.md', () => {
  it('describes what every remediation does', () => {
    const operations = read('docs/operations.md');
    const [from, to] = [operations.indexOf('- **Remediations**:'), operations.indexOf('- **Guardrails')];
    expect(to).toBeGreaterThan(from);
    const section = operations.slice(from, to);
    expect([...remediationRegistry.keys()].filter((kind) => !section.includes(`\`${kind}\``))).toEqual([]);
  });
});
