import { deletePostgresJobs, dropPostgresQueue } from './backends/postgres.ts'
import { deleteRedisQueueKeys, flushRedisQueueKeys } from './backends/redis.ts'
import type { QueueBackend } from './queue-backend.ts'

/**
 * Removes a whole queue namespace, whatever the backend: every Redis key under the prefix, or the
 * prefix's PostgreSQL schema. What removing an install, a test's or the benchmark's clean-up needs.
 * A string is a Redis URL (the Redis backend). Answers how many keys (Redis) or schemas it deleted.
 */
export async function deleteQueueKeys(target: string | QueueBackend, prefix: string): Promise<number> {
  const backend: QueueBackend = typeof target === 'string' ? { kind: 'redis', url: target } : target
  return backend.kind === 'redis'
    ? deleteRedisQueueKeys(backend.url, prefix)
    : dropPostgresQueue(backend.url, prefix)
}

/**
 * Throws away the queue's jobs and job schedulers and nothing else SQL knows: a FLUSHALL on Redis,
 * a delete of the job and scheduler rows on PostgreSQL, each at once. For tests that prove the
 * reconciler restores what the queue lost.
 */
export async function loseQueuedJobs(backend: QueueBackend, prefix: string): Promise<number> {
  return backend.kind === 'redis'
    ? flushRedisQueueKeys(backend.url, prefix)
    : deletePostgresJobs(backend.url, prefix)
}
