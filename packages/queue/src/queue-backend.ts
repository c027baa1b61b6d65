import { redactUrl } from '@steward/kernel'

/**
 * Where BullMQ keeps the runtime's queue (STEWARD_QUEUE). The same Queue/Worker API runs on both;
 * only construction, clean-up and the Redis eviction check differ (`queue-backends/`).
 * - `redis`: keys under the queue prefix (`{steward}`) in the Redis at `url`.
 * - `postgres`: BullMQ's PostgreSQL backend, its tables and functions in the schema `queueSchema(prefix)`
 *   of the database at `url` (Steward's own database, PostgreSQL or the embedded PGlite).
 */
export type QueueBackend = { kind: 'redis'; url: string } | { kind: 'postgres'; url: string }

export type QueueBackendKind = QueueBackend['kind']

/**
 * The PostgreSQL schema of a queue prefix: `{steward}` → `steward_queue`, so one setting
 * (STEWARD_QUEUE_PREFIX) keeps two installs apart on either backend.
 */
export function queueSchema(prefix: string): string {
  const name = prefix
    .replace(/[{}]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
  return `${/^[a-z_]/.test(name) ? name : `q_${name}`}_queue`.slice(0, 63)
}

/** One line for banners and logs: which backend, where (password hidden). */
export function describeQueueBackend(backend: QueueBackend, prefix: string): string {
  if (backend.kind === 'redis') return `redis at ${redactUrl(backend.url)} (prefix ${prefix})`
  return `postgres, schema ${queueSchema(prefix)} in ${redactUrl(backend.url)}`
}

/**
 * Keys (Redis) or the schema name (PostgreSQL) of one install: hash-tagged, so every key of a queue
 * hashes to one Redis Cluster slot, which BullMQ's Lua scripts need.
 */
export const defaultQueuePrefix = '{steward}'

/** Where a queue is: `backend`, or `redisUrl` as a shorthand for `{ kind: 'redis', url }`. */
export type QueueTarget = { backend: QueueBackend; redisUrl?: never } | { redisUrl: string; backend?: never }

/** The backend a `QueueTarget` names. */
export function queueBackendOf(target: QueueTarget): QueueBackend {
  return target.backend ?? { kind: 'redis', url: target.redisUrl }
}
