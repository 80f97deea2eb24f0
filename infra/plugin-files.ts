import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHARED = join(dirname(fileURLToPath(import.meta.url)), '..', 'shared');

/**
 * Each kind's defining file in shared/probes or shared/remediations: the one that names it as
 * `kind: '<kind>',` (test/plugins.test.ts holds every registered kind to having exactly one).
 */
export function pluginFiles(folder: 'probes' | 'remediations'): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(join(SHARED, folder)).filter((f) => f.endsWith('.ts'))) {
    const file = join(SHARED, folder, name);
    for (const [, kind] of readFileSync(file, 'utf8').matchAll(/^\s+kind: '([a-z0-9-]+)',$/gm)) files.set(kind!, file);
  }
  return files;
}
