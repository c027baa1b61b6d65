import type { Settings } from '@steward/config'
import type { StewardDb } from '@steward/db'
import { redactUrl } from '@steward/kernel'
import { pingRedis } from '@steward/queue'
import { recordDevQueueChoice } from '../home/dev-queue-choice.ts'
import { describeQueue, type QueueTarget } from '../project/runtime-services.ts'
import { type EnsuredRedis, ensureRedis } from '../redis/ensure-redis.ts'
import { redisAddress } from '../redis/redis-url.ts'

export interface DevQueue {
  target: QueueTarget
  /** The Redis in use, when the queue is on Redis (started here or found running). */
  redis: EnsuredRedis | undefined
  /** The banner's `queue` line. */
  description: string
  /** Forgets the choice written for other commands (when dev picked the backend itself). */
  release(): Promise<void>
}

/**
 * The queue `steward dev` runs on. STEWARD_QUEUE decides when set. Unset, a Redis that answers at
 * REDIS_URL is used; when none answers at a local address, BullMQ's PostgreSQL backend in Steward's
 * own database (the embedded PGlite by default), so a first start needs no Redis at all. STEWARD_QUEUE=redis starts
 * (or installs) a local redis-server instead.
 */
export async function ensureDevQueue(
  settings: Settings,
  db: StewardDb,
  redisDir: string,
  log: (line: string) => void,
): Promise<DevQueue> {
  const onPostgres = (release: () => Promise<void> = async () => {}): DevQueue => {
    const target: QueueTarget = { backend: { kind: 'postgres', url: db.url }, prefix: settings.queuePrefix }
    return { target, redis: undefined, description: describeQueue(target, db), release }
  }
  if (settings.queue === 'postgres') return onPostgres()
  // Only where dev would start (or install) a redis-server itself: a remote REDIS_URL that does
  // not answer is a mistake to report, not a reason to move the queue.
  if (!settings.queueExplicit && redisAddress(settings.redisUrl).local) {
    const ping = await pingRedis(settings.redisUrl)
    if (!ping.ok && !ping.replied) {
      log(
        `queue: no Redis answers at ${redactUrl(settings.redisUrl)}: using the PostgreSQL queue in the database ` +
          '(STEWARD_QUEUE=redis starts a local redis-server instead)',
      )
      // `steward run` / `worker` / `deploy` from another terminal must use the same queue.
      return onPostgres(await recordDevQueueChoice(settings.home, 'postgres'))
    }
  }
  const redis = await ensureRedis(settings.redisUrl, redisDir, log)
  const target: QueueTarget = { backend: { kind: 'redis', url: redis.url }, prefix: settings.queuePrefix }
  const note = redis.startedHere ? ` (started by steward dev, data in ${redisDir})` : ''
  return { target, redis, description: `${describeQueue(target, db)}${note}`, release: async () => {} }
}
