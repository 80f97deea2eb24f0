/** The slice of a logger Vigil uses; Powertools' Logger fits, and so does a test's recorder. */
export interface Log {
  /** Off unless POWERTOOLS_LOG_LEVEL=DEBUG: for what is only worth paying to store while investigating. */
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
