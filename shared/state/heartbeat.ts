/** What a job says when it reports in: it ran, how it went, in a line. */
export interface HeartbeatReport {
  /** ISO time Vigil received it. */
  at: string;
  status: 'ok' | 'fail';
  message?: string;
  /** `url` (the function URL) or `cli` (`vigil heartbeat`). */
  via: 'url' | 'cli';
}

/** Reads and writes the newest report of each heartbeat; a report older than the one kept is dropped. */
export interface Heartbeats {
  getHeartbeat(checkId: string): Promise<HeartbeatReport | undefined>;
  putHeartbeat(checkId: string, report: HeartbeatReport): Promise<void>;
}
