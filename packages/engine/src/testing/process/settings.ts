import type { QueueBackend } from '@steward/queue'
import type { ReconcileOptions } from '../../worker/reconciler.ts'

/** The environment variable holding a worker process's settings (JSON). */
export const workerSettingsEnv = 'STEWARD_TEST_WORKER'
/** The line a worker process prints once its worker runs. */
export const readySignal = 'READY'

export interface WorkerMainSettings {
  databaseUrl: string
  queue: QueueBackend
  prefix: string
  workerId: string
  concurrency: number
  heartbeatMs: number
  jobLock?: { durationMs?: number; stalledCheckEveryMs?: number }
  reconcile: false | (Omit<ReconcileOptions, 'specs'> & { everyMs?: number })
}
