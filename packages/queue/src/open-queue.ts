import type { Processor, Queue, Worker } from 'bullmq'
import { openPostgresQueue, openPostgresWorker } from './backends/postgres.ts'
import { openRedisQueue, openRedisWorker } from './backends/redis.ts'
import type { WorkerSettings } from './backends/worker-settings.ts'
import type { QueueBackend } from './queue-backend.ts'

/** Name type `string`: BullMQ types job scheduler ids with the job-name type. */
export type StewardQueue<D> = Queue<D, unknown, string>
export type StewardWorker<D> = Worker<D, unknown, string>
export type StewardProcessor<D> = Processor<D, unknown, string>

/**
 * A BullMQ queue named `name` on either backend: keys under `prefix` in Redis, or the schema of
 * `prefix` in PostgreSQL. The same Queue API on both; close it with `queue.close()`.
 */
export function openQueue<D>(backend: QueueBackend, name: string, prefix: string): StewardQueue<D> {
  return backend.kind === 'redis'
    ? openRedisQueue<D>(backend.url, name, prefix)
    : openPostgresQueue<D>(backend.url, name, prefix)
}

/** A BullMQ worker of the queue `settings.name` on either backend; it starts at once. */
export function openWorker<D>(
  backend: QueueBackend,
  processor: StewardProcessor<D>,
  settings: WorkerSettings,
): StewardWorker<D> {
  return backend.kind === 'redis'
    ? openRedisWorker<D>(backend.url, processor, settings)
    : openPostgresWorker<D>(backend.url, processor, settings)
}
