import { readFileSync, writeFileSync } from 'node:fs';
import { configurationReference } from './reference.js';
import { withKindsTable } from './kinds-table.js';

// npm run docs: writes the configuration reference and the README's table of kinds from the registry;
// test/docs/reference.test.ts holds both to it.
const reference = new URL('../../docs/configuration.md', import.meta.url);
writeFileSync(reference, configurationReference());
console.log(`wrote ${reference.pathname}`);
const readme = new URL('../../README.md', import.meta.url);
writeFileSync(readme, withKindsTable(readFileSync(readme, 'utf8')));
console.log(`wrote the kinds into ${readme.pathname}`);
