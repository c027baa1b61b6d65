// The queue: the only package that imports BullMQ and ioredis. It chooses the backend (Redis, or
// BullMQ's PostgreSQL backend), opens queues and workers on it, pings Redis and deletes keys.
// Callers see BullMQ's Queue/Worker/Job API through the types below, never the modules.
export type { Job, JobsOptions } from 'bullmq'
// BullMQ's signal that a job moved itself to `delayed` and must not complete: thrown after `job.moveToDelayed`.
export { DelayedError } from 'bullmq'
export { assertNoEviction } from './backends/redis.ts'
export type { WorkerSettings } from './backends/worker-settings.ts'
export { deleteQueueKeys, loseQueuedJobs } from './delete-queue-keys.ts'
export type { QueueErrorCode } from './errors.ts'
export {
  openQueue,
  openWorker,
  type StewardProcessor,
  type StewardQueue,
  type StewardWorker,
} from './open-queue.ts'
export {
  defaultQueuePrefix,
  describeQueueBackend,
  type QueueBackend,
  type QueueBackendKind,
  type QueueTarget,
  queueBackendOf,
  queueSchema,
} from './queue-backend.ts'
export { type QueueFactory, queueFactory } from './queue-factory.ts'
export { type PingOptions, type PingResult, pingRedis } from './redis/ping-redis.ts'
