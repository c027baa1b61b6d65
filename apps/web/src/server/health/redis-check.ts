import { redactUrl } from '@steward/kernel'
import { type PingResult, pingRedis } from '@steward/queue'
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
    const ping = await pingRedis(url, { timeoutMs: 1500, signal })
    if (!ping.ok) throw new Error(describeRedisError(ping, redactUrl(url)))
  },
}

function describeRedisError(failure: Extract<PingResult, { ok: false }>, where: string): string {
  const { code, reason } = failure
  if (code === 'ECONNREFUSED') return `connection refused at ${where}`
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `unknown host in ${where}`
  if (code === 'ETIMEDOUT' || /timeout/i.test(reason)) return `timed out connecting to ${where}`
  if (/NOAUTH|WRONGPASS|invalid password/i.test(reason)) return `authentication failed at ${where}`
  return `${reason} (${where})`
}
