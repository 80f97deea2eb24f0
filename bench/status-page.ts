import { gzipSync } from 'node:zlib';
import { parseConfig } from '../shared/config/load.js';
import type { Incident, Transition } from '../shared/state/check-state.js';
import { componentsOf } from '../shared/status/components.js';
import { buildPage } from '../shared/status/page.js';
import { statusFiles } from '../shared/status/publish.js';
import { emptyRecord, recordTransition } from '../shared/status/record.js';
import type { StatusRecord } from '../shared/state/status.js';

/** The bytes a reader's first round trip carries on a fresh connection (10 segments of 1,460): a page within it shows at once. */
const FIRST_ROUND_TRIP = 14_600;
const DAY_MS = 86_400_000;

/** A page of `n` components with 90 days of history (an outage every ninth day) and 5 incidents listed, its files' sizes. */
function sizes(n: number, now: Date) {
  const checks = Array.from({ length: n }, (_, i) => ({
    id: `svc-${i}-health`,
    kind: 'http' as const,
    target: `https://svc-${i}.example.com/health`,
    severity: 'P1' as const,
    tags: { service: `service-${i}` },
  }));
  const config = parseConfig({ checks, statusPage: { title: 'Example platform status' } });
  const components = componentsOf(config);
  let record: StatusRecord = emptyRecord();
  let seq = 0;
  for (let day = 89; day >= 0; day -= 9) {
    for (let c = 0; c < n; c += 3) {
      const at = (minutes: number) => new Date(now.getTime() - day * DAY_MS + minutes * 60_000).toISOString();
      const incident: Incident = {
        id: `svc-${c}-health/${day}`,
        checkId: `svc-${c}-health`,
        target: 'x',
        severity: 'P1',
        state: 'open',
        silenced: false,
        openedAt: at(0),
        failingSince: at(0),
        summary: 'HTTP 503',
        observed: {},
        failuresAtOpen: 2,
        notificationsSent: 1,
      };
      const step = (kind: Transition['kind'], minutes: number, state: Incident['state']) =>
        (record =
          recordTransition(record, components, { ...incident, state }, { seq: ++seq, kind, incidentId: incident.id, at: at(minutes), by: 'vigil' }) ?? record);
      step('opened', 0, 'open');
      step('resolved', 40, 'resolved');
    }
  }
  const files = statusFiles(buildPage(config, components, record, now));
  return files.map((f) => ({ path: f.path, raw: Buffer.byteLength(f.body), gzip: gzipSync(f.body).length }));
}

/** The status page's size, as written, and gzipped as a CDN serves it, against the first round trip's bytes. */
export function statusPageSizes(): string {
  const now = new Date('2026-12-04T12:00:00.000Z');
  const rows = [5, 20, 50].flatMap((n) =>
    sizes(n, now).map(
      (s) =>
        `| ${n} | \`${s.path}\` | ${(s.raw / 1024).toFixed(1)} KB | ${(s.gzip / 1024).toFixed(1)} KB | ${(s.gzip / FIRST_ROUND_TRIP).toFixed(2)} |${s.path === 'index.html' ? ` ${s.gzip <= FIRST_ROUND_TRIP ? 'yes' : '**no**'} |` : ' |'}`,
    ),
  );
  return [
    '## Status page size',
    '',
    'The files notify writes on each change, for N components with 90 days of history (an outage every ninth day on a third of them) and the incidents the page lists. No script, no font, no image: the HTML carries its own styles. The bucket stores them gzipped (`Content-Encoding: gzip`), which is what readers download; the first round trip on a fresh connection carries about 14,600 bytes (10 segments), so a page within it shows without waiting for another.',
    '',
    '| components | file | as written | gzipped | gzipped / first round trip | target (index.html within one round trip) |',
    '| ---: | --- | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}
