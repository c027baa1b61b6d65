/*
 * Helpers other scripts reuse (scripts/test.mjs starts Redis the way `steward dev` does).
 * The CLI itself starts at main.ts.
 */

export { type PingResult, pingRedis } from '@steward/queue'
export { assertPortFree } from './net/port-free.ts'
export { waitForHttp } from './net/wait-for-http.ts'
export { type EnsuredRedis, type EnsureRedisOptions, ensureRedis } from './redis/ensure-redis.ts'
