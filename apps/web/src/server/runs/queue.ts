import { openRuntimeQueue, type RuntimeQueue } from '@steward/engine/control'
import type { QueueBackend } from '@steward/queue'
import { settings } from '#env.ts'
import { getDb } from '../db.ts'

// On globalThis for the same reason as the database pool: `next dev` re-evaluates modules.
const cache = globalThis as typeof globalThis & { __stewardWebQueue?: Promise<RuntimeQueue> }

/**
 * The runtime queue the API enqueues a new run's first steps on (the workers take them from
 * there): on Redis at REDIS_URL, or with STEWARD_QUEUE=postgres in the database the web app reads.
 */
export function getQueue(): Promise<RuntimeQueue> {
  cache.__stewardWebQueue ??= openQueue().catch((error: unknown) => {
    // Not cached when it failed (the database was down): the next request tries again.
    cache.__stewardWebQueue = undefined
    throw error
  })
  return cache.__stewardWebQueue
}

async function openQueue(): Promise<RuntimeQueue> {
  const { queue, redisUrl, queuePrefix } = settings()
  const backend: QueueBackend =
    queue === 'postgres' ? { kind: 'postgres', url: (await getDb()).url } : { kind: 'redis', url: redisUrl }
  return openRuntimeQueue({ backend, prefix: queuePrefix })
}
