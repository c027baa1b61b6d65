import {
  openQueue,
  openWorker,
  type StewardProcessor,
  type StewardQueue,
  type StewardWorker,
} from './open-queue.ts'
import { defaultQueuePrefix, type QueueBackend } from './queue-backend.ts'

/**
 * Opens queues next to each other: same backend, same prefix, so the same Redis key namespace or
 * PostgreSQL schema. The engine's step queue and the alert delivery queue are two such queues.
 */
export interface QueueFactory {
  readonly backend: QueueBackend['kind']
  readonly prefix: string
  openQueue<D>(name: string): StewardQueue<D>
  openWorker<D>(
    name: string,
    processor: StewardProcessor<D>,
    options: { concurrency: number },
  ): StewardWorker<D>
}

/**
 * @example
 * const queues = queueFactory({ backend: { kind: 'redis', url }, prefix: '{steward}' })
 * const deliveries = queues.openQueue<DeliveryJobData>('alert-delivery')
 */
export function queueFactory(target: { backend: QueueBackend; prefix?: string | undefined }): QueueFactory {
  const { backend } = target
  const prefix = target.prefix ?? defaultQueuePrefix
  return {
    backend: backend.kind,
    prefix,
    openQueue: <D>(name: string) => openQueue<D>(backend, name, prefix),
    openWorker: <D>(name: string, processor: StewardProcessor<D>, options: { concurrency: number }) =>
      openWorker<D>(backend, processor, { name, prefix, concurrency: options.concurrency, lock: {} }),
  }
}
