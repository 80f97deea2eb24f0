import { writeFileSync } from 'node:fs';
import { configurationReference } from './reference.js';

// npm run docs: writes the configuration reference from the registry; test/docs/reference.test.ts holds it to it.
const path = new URL('../../docs/configuration.md', import.meta.url);
writeFileSync(path, configurationReference());
console.log(`wrote ${path.pathname}`);
