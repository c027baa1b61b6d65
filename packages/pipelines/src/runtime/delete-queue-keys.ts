import { Redis } from 'ioredis'

/**
 * Deletes every Redis key under a queue prefix (jobs, schedulers, events): what removing an
 * install, or a test's cleanup, needs. SCAN in batches, never KEYS, so a large Redis is not
 * blocked. Answers how many keys it deleted.
 */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    let deleted = 0
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) deleted += await redis.del(...keys)
    } while (cursor !== '0')
    return deleted
  } finally {
    redis.disconnect()
  }
}
