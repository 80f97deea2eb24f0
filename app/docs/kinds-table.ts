import { allProbes } from '../../shared/probes/index.js';
import { allRemediations } from '../../shared/remediations/index.js';

// The README's table of what Vigil checks and does, from the registry: a kind added is a row, with no list kept by hand.

export const KINDS_START = '<!-- kinds: written by `npm run docs` from the registry -->';
export const KINDS_END = '<!-- /kinds -->';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function kindsTable(): string {
  return [
    '| check | what it looks at |',
    '| --- | --- |',
    ...allProbes.map((p) => `| \`${p.kind}\` | ${cell(p.description)} |`),
    '',
    '| remediation | what it does | risk |',
    '| --- | --- | --- |',
    ...allRemediations.map((r) => `| \`${r.kind}\` | ${cell(r.description)} | ${r.risk} |`),
  ].join('\n');
}

/** `readme` with its kinds section replaced by the registry's; throws when the markers are missing. */
export function withKindsTable(readme: string): string {
  const start = readme.indexOf(KINDS_START);
  const end = readme.indexOf(KINDS_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${KINDS_START} … ${KINDS_END} section to write the kinds into`);
  return `${readme.slice(0, start + KINDS_START.length)}\n\n${kindsTable()}\n\n${readme.slice(end)}`;
}
