import type { Worker } from 'bullmq'
import type { RuntimeJobData } from '../queues.ts'

/** What `startWorker` asks of either backend's BullMQ Worker. */
export interface WorkerSettings {
  name: string
  prefix: string
  concurrency: number
  /** BullMQ's `lockDuration` / `stalledInterval`, only when set (BullMQ merges with Object.assign). */
  lock: { lockDuration?: number; stalledInterval?: number }
}

/** The BullMQ Worker of the runtime, whichever backend it runs on. */
export type RuntimeBullWorker = Worker<RuntimeJobData, unknown, string>
