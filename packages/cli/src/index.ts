/*
 * Helpers other scripts reuse (scripts/test.mjs starts Redis the way `steward dev` does).
 * The CLI itself starts at main.ts.
 */

export { type PingResult, pingRedis } from '@steward/queue'
export { assertPortFree } from './net/port-free.ts'
export { waitForHttp } from './net/wait-for-http.ts'
export { type EnsuredRedis, type EnsureRedisOptions, ensureRedis } from './redis/ensure-redis.ts'
export { ensureWebBuild } from './web/ensure-web-build.ts'
export { readExternalAliases, writeExternalAliases } from './web/external-aliases.ts'
export { findWebApp, type WebAppDir } from './web/web-app-dir.ts'
