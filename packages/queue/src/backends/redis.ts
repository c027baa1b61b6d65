import { redactUrl, StewardError } from '@steward/kernel'
import { type Processor, Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import type { QueueErrorCode } from '../errors.ts'
import type { WorkerSettings } from './worker-settings.ts'

/** A queue on Redis: keys under `prefix` (hash-tagged for Redis Cluster). */
export function openRedisQueue<D>(url: string, name: string, prefix: string): Queue<D, unknown, string> {
  return new Queue<D, unknown, string>(name, { connection: { url }, prefix })
}

export function openRedisWorker<D>(
  url: string,
  processor: Processor<D, unknown, string>,
  settings: WorkerSettings,
): Worker<D, unknown, string> {
  return new Worker<D, unknown, string>(settings.name, processor, {
    // Its own connections (BullMQ opens a blocking one too); workers must never give up on Redis.
    connection: { url, maxRetriesPerRequest: null },
    prefix: settings.prefix,
    concurrency: settings.concurrency,
    autorun: true,
    ...settings.lock,
  })
}

/**
 * Deletes every Redis key under a queue prefix (jobs, schedulers, events): what removing an
 * install, a test's cleanup, or a FLUSHALL does to the queue. SCAN in batches, never KEYS, so a
 * large Redis is not blocked. Answers how many keys it deleted.
 */
export async function deleteRedisQueueKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
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

/**
 * Deletes every key under a prefix in one script, as a FLUSHALL does: a job moving between its
 * keys while SCAN + DEL ran could survive that. KEYS blocks Redis while it runs, so this is for
 * tests that lose a queue on purpose, never for clean-up.
 */
export async function flushRedisQueueKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    const script = `local n = 0
      for _, key in ipairs(redis.call('KEYS', ARGV[1])) do n = n + redis.call('DEL', key) end
      return n`
    return Number(await redis.eval(script, 0, `${prefix}*`))
  } finally {
    redis.disconnect()
  }
}

/** BullMQ loses jobs when Redis evicts keys: refuse to start unless `maxmemory-policy` is `noeviction`. */
export async function assertNoEviction(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  let policy: string | undefined
  try {
    await redis.connect()
    const answer = (await redis.config('GET', 'maxmemory-policy')) as unknown
    if (Array.isArray(answer) && typeof answer[1] === 'string') policy = answer[1]
  } catch {
    // CONFIG may be disabled (managed Redis); BullMQ itself warns if the policy is wrong.
  } finally {
    redis.disconnect()
  }
  if (policy !== undefined && policy !== 'noeviction') {
    throw new StewardError<QueueErrorCode>(
      'REDIS_EVICTION_POLICY',
      `Redis at ${redactUrl(redisUrl)} has maxmemory-policy "${policy}": it may evict queued jobs. ` +
        'Set it to noeviction (redis.conf `maxmemory-policy noeviction`, or CONFIG SET maxmemory-policy noeviction)',
    )
  }
}
