import type { VigilConfig } from '../config/schema.js';
import type { StatusRecords } from '../state/ports.js';
import { readDecideWrite } from '../state/read-decide-write.js';
import type { Incident, Transition } from '../state/check-state.js';
import { atomFeed } from './atom.js';
import { componentIdsOf, componentsOf } from './components.js';
import { statusHtml } from './html.js';
import { buildPage } from './page.js';
import { emptyRecord, recordTransition } from './record.js';
import { summaryJson } from './summary-json.js';
import { knownSecrets } from '../secrets/mask.js';

/** One file of the page, as it is served. */
export interface StatusFile {
  path: 'index.html' | 'summary.json' | 'feed.atom';
  body: string;
  contentType: string;
}

/** Where the page's files go: a private S3 bucket deployed, a folder locally. */
export interface StatusSink {
  write(files: readonly StatusFile[]): Promise<void>;
}

export interface StatusDeps {
  config: VigilConfig;
  store: StatusRecords;
  sink: StatusSink;
  now: () => Date;
}

/**
 * After a transition is sent: the page's record takes it (once, however often it is delivered), and the
 * page is drawn again from the record and written. A transition about no component changes nothing.
 */
export async function publishStatus(deps: StatusDeps, incident: Incident, transition: Transition): Promise<boolean> {
  const components = componentsOf(deps.config);
  if (!componentIdsOf(components, incident.checkId).length) return false;
  const { current, written } = await readDecideWrite({
    read: () => deps.store.getStatusRecord(),
    decide: (record) => recordTransition(record ?? emptyRecord(), components, incident, transition),
    write: (next, expected) => deps.store.putStatusRecord(next, expected),
  });
  // Drawn again even when the record had it: the attempt that wrote the record may have died before the files.
  await deps.sink.write(statusFiles(buildPage(deps.config, components, written ?? current ?? emptyRecord(), deps.now())));
  return true;
}

/** The page's files, every secret known to the process masked: the page is the most public of Vigil's sinks, whatever holds it. */
export function statusFiles(page: ReturnType<typeof buildPage>): StatusFile[] {
  return [
    { path: 'index.html' as const, body: statusHtml(page), contentType: 'text/html; charset=utf-8' },
    { path: 'summary.json' as const, body: `${JSON.stringify(summaryJson(page), null, 2)}\n`, contentType: 'application/json' },
    { path: 'feed.atom' as const, body: atomFeed(page), contentType: 'application/atom+xml' },
  ].map((file) => ({ ...file, body: knownSecrets.text(file.body) }));
}
