/** What a worker asks of either backend's BullMQ Worker. */
export interface WorkerSettings {
  name: string
  prefix: string
  concurrency: number
  /** BullMQ's `lockDuration` / `stalledInterval`, only when set (BullMQ merges with Object.assign). */
  lock: { lockDuration?: number; stalledInterval?: number }
}
