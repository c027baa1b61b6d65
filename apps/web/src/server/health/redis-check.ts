import { redactUrl } from '@steward/db'
import { Redis } from 'ioredis'
import { settings } from '#env.ts'
import type { HealthCheck } from './health-check.ts'

/**
 * Redis at REDIS_URL answers PING. A fresh connection each time, closed afterwards: a pooled
 * connection could report on a socket that has since died, and a health probe must not leave
 * sockets behind.
 */
export const redisCheck: HealthCheck = {
  name: 'redis',
  target: () => redactUrl(settings().redisUrl),
  async run(signal) {
    const url = settings().redisUrl
    const where = redactUrl(url)
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 1500,
      // Fail at once instead of queueing commands and reconnecting in the background.
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    })
    // ioredis rejects `connect()` with a bare "Connection is closed."; the socket's own error
    // (ECONNREFUSED, ENOTFOUND…) arrives on this event first and says what happened.
    let socketError: Error | undefined
    redis.on('error', (error: Error) => {
      socketError ??= error
    })
    const abort = () => redis.disconnect()
    signal.addEventListener('abort', abort, { once: true })
    try {
      await redis.connect()
      const reply = await redis.ping()
      if (reply !== 'PONG') throw new Error(`unexpected reply to PING from ${where}: ${reply}`)
    } catch (error) {
      throw new Error(describeRedisError(socketError ?? error, where))
    } finally {
      signal.removeEventListener('abort', abort)
      redis.disconnect()
    }
  },
}

function describeRedisError(error: unknown, where: string): string {
  const code = (error as NodeJS.ErrnoException)?.code
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'ECONNREFUSED') return `connection refused at ${where}`
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `unknown host in ${where}`
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) return `timed out connecting to ${where}`
  if (/NOAUTH|WRONGPASS|invalid password/i.test(message)) return `authentication failed at ${where}`
  return `${message} (${where})`
}
