import { createNotifyHandler, type NotifyDeps } from '../../functions/notify/handler.js';
import { streamRecord } from '../../app/local/stream.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { silentLog } from '../../shared/log.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { MemoryStateStore } from '../../shared/state/memory.js';

/**
 * The notify handler on the in-memory store, every message answered at once (or by `deps.publisher`), and a
 * way to send it a check's states as the table's stream would carry them.
 */
export function memoryNotify(config: VigilConfig, deps: Partial<NotifyDeps> = {}) {
  const notify = createNotifyHandler({
    config,
    store: new MemoryStateStore(),
    publisher: { publish: async () => ({ messageId: 'm' }) },
    log: silentLog,
    topics: { main: 'alerts' },
    incidentsFunction: 'vigil-test-incidents',
    ...deps,
  });
  const send = (states: readonly CheckState[]) => notify({ Records: states.map((s, i) => streamRecord(states[i - 1], s, i + 1)) });
  return { notify, send };
}
