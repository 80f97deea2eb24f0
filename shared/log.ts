/** The slice of a logger Vigil uses; Powertools' Logger fits, and so does a test's recorder. */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };
