import { openRuntimeQueue, type RuntimeQueue } from '@steward/pipelines/runtime'
import { settings } from '../../env.ts'

// On globalThis for the same reason as the database pool: `next dev` re-evaluates modules.
const cache = globalThis as typeof globalThis & { __stewardWebQueue?: RuntimeQueue }

/** The runtime queue the API enqueues a new run's first steps on (the workers take them from there). */
export function getQueue(): RuntimeQueue {
  const { redisUrl, queuePrefix } = settings()
  cache.__stewardWebQueue ??= openRuntimeQueue({ redisUrl, prefix: queuePrefix })
  return cache.__stewardWebQueue
}
