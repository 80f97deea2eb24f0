/** Wakes a sleeping run at a time: its run id is the wake-up's identity, so a second request for it is the first. */
export interface Waker {
  wakeAt(runId: string, at: Date): Promise<void>;
}
