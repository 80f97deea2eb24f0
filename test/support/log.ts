import type { Log } from '../../shared/log.js';

/** A Log that keeps every line, at every level, for a test to read. */
export function recordingLog() {
  const lines: { level: string; message: string; extra: unknown[] }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: unknown[]) =>
      void lines.push({ level, message, extra });
  const log: Log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines, text: () => JSON.stringify(lines) };
}
