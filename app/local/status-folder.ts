import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusSink } from '../../shared/status/publish.js';

/** The status page written to a folder, as the bucket would hold it: open its index.html in a browser. */
export function statusFolder(dir: string): StatusSink {
  return {
    async write(files) {
      mkdirSync(dir, { recursive: true });
      for (const file of files) writeFileSync(join(dir, file.path), file.body);
    },
  };
}
