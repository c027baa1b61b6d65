import type { Processor, Queue, Worker } from 'bullmq'
import type { QueueBackend } from './queue-backend.ts'
import { openPostgresQueue, openPostgresWorker } from './queue-backends/postgres.ts'
import { openRedisQueue, openRedisWorker } from './queue-backends/redis.ts'
import { defaultQueuePrefix } from './queues.ts'

/**
 * Opens other BullMQ queues next to the runtime's (same backend, same prefix, so the same Redis
 * keys namespace or PostgreSQL schema): the alert delivery queue is one. Handed to packages that
 * cannot depend on this one (`startAlerts({ queues })`), so there is one queue configuration.
 */
export interface QueueFactory {
  readonly backend: QueueBackend['kind']
  readonly prefix: string
  openQueue<D>(name: string): Queue<D, unknown, string>
  openWorker<D>(
    name: string,
    processor: Processor<D, unknown, string>,
    options: { concurrency: number },
  ): Worker<D, unknown, string>
}

/**
 * @example
 * const alerts = startAlerts({ db, slack, queues: queueFactory({ backend, prefix }) })
 */
export function queueFactory(target: { backend: QueueBackend; prefix?: string }): QueueFactory {
  const { backend } = target
  const prefix = target.prefix ?? defaultQueuePrefix
  return {
    backend: backend.kind,
    prefix,
    openQueue: <D>(name: string) =>
      backend.kind === 'redis'
        ? openRedisQueue<D>(backend.url, name, prefix)
        : openPostgresQueue<D>(backend.url, name, prefix),
    openWorker: <D>(
      name: string,
      processor: Processor<D, unknown, string>,
      options: { concurrency: number },
    ) => {
      const settings = { name, prefix, concurrency: options.concurrency, lock: {} }
      return backend.kind === 'redis'
        ? openRedisWorker<D>(backend.url, processor, settings)
        : openPostgresWorker<D>(backend.url, processor, settings)
    },
  }
}
