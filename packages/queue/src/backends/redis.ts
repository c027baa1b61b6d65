import { redactUrl, StewardError } from '@steward/kernel'
import { type Processor, Queue, Worker } from 'bullmq'
import type { Cluster, Redis } from 'ioredis'
import type { QueueErrorCode } from '../errors.ts'
import { openRedisClient, primaries, redisTarget } from '../redis/redis-client.ts'
import type { WorkerSettings } from './worker-settings.ts'

/** A queue on Redis: keys under `prefix` (hash-tagged for Redis Cluster). */
export function openRedisQueue<D>(url: string, name: string, prefix: string): Queue<D, unknown, string> {
  if (redisTarget(url).kind === 'server')
    return new Queue<D, unknown, string>(name, { connection: { url }, prefix })
  // BullMQ builds plain clients from options, so a cluster client is passed in; BullMQ leaves a
  // client it was given open, so closing the queue closes it here.
  const cluster = openRedisClient(url)
  return closingClient(new Queue<D, unknown, string>(name, { connection: cluster, prefix }), cluster)
}

export function openRedisWorker<D>(
  url: string,
  processor: Processor<D, unknown, string>,
  settings: WorkerSettings,
): Worker<D, unknown, string> {
  const options = {
    prefix: settings.prefix,
    concurrency: settings.concurrency,
    autorun: true,
    ...settings.lock,
  }
  // Its own connections (BullMQ opens a blocking one too); workers must never give up on Redis.
  if (redisTarget(url).kind === 'server') {
    return new Worker<D, unknown, string>(settings.name, processor, {
      connection: { url, maxRetriesPerRequest: null },
      ...options,
    })
  }
  const cluster = openRedisClient(url, { maxRetriesPerRequest: null })
  return closingClient(
    new Worker<D, unknown, string>(settings.name, processor, { connection: cluster, ...options }),
    cluster,
  )
}

/** Makes `owner.close()` also close the client it was given, after BullMQ is done with it. */
function closingClient<T extends { close(force?: boolean): Promise<void> }>(
  owner: T,
  client: Redis | Cluster,
): T {
  const close = owner.close.bind(owner)
  owner.close = async (force?: boolean) => {
    try {
      await close(force)
    } finally {
      client.disconnect()
    }
  }
  return owner
}

/**
 * Deletes every Redis key under a queue prefix (jobs, schedulers, events): what removing an
 * install, a test's cleanup, or a FLUSHALL does to the queue. SCAN in batches, never KEYS, so a
 * large Redis is not blocked. Answers how many keys it deleted.
 */
export async function deleteRedisQueueKeys(url: string, prefix: string): Promise<number> {
  const client = openRedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await client.connect()
    let deleted = 0
    for (const redis of primaries(client)) {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
        cursor = next
        // One DEL per key: in a cluster a multi-key DEL must stay within one slot.
        for (const key of keys) deleted += await redis.del(key)
      } while (cursor !== '0')
    }
    return deleted
  } finally {
    client.disconnect()
  }
}

/**
 * Deletes every key under a prefix in one script, as a FLUSHALL does: a job moving between its
 * keys while SCAN + DEL ran could survive that. KEYS blocks Redis while it runs, so this is for
 * tests that lose a queue on purpose, never for clean-up.
 */
export async function flushRedisQueueKeys(url: string, prefix: string): Promise<number> {
  const client = openRedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await client.connect()
    const script = `local n = 0
      for _, key in ipairs(redis.call('KEYS', ARGV[1])) do n = n + redis.call('DEL', key) end
      return n`
    let deleted = 0
    for (const redis of primaries(client)) deleted += Number(await redis.eval(script, 0, `${prefix}*`))
    return deleted
  } finally {
    client.disconnect()
  }
}

/** BullMQ loses jobs when Redis evicts keys: refuse to start unless `maxmemory-policy` is `noeviction`. */
export async function assertNoEviction(redisUrl: string): Promise<void> {
  const client = openRedisClient(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  let policy: string | undefined
  try {
    await client.connect()
    for (const redis of primaries(client)) {
      const answer = (await redis.config('GET', 'maxmemory-policy')) as unknown
      if (Array.isArray(answer) && typeof answer[1] === 'string' && answer[1] !== 'noeviction')
        policy = answer[1]
    }
  } catch {
    // CONFIG may be disabled (managed Redis); BullMQ itself warns if the policy is wrong.
  } finally {
    client.disconnect()
  }
  if (policy !== undefined && policy !== 'noeviction') {
    throw new StewardError<QueueErrorCode>(
      'REDIS_EVICTION_POLICY',
      `Redis at ${redactUrl(redisUrl)} has maxmemory-policy "${policy}": it may evict queued jobs. ` +
        'Set it to noeviction (redis.conf `maxmemory-policy noeviction`, or CONFIG SET maxmemory-policy noeviction)',
    )
  }
}
