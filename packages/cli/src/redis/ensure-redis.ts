import { redactUrl } from '@steward/kernel'
import { pingRedis } from '@steward/queue'
import { executableSearchPath, runningAsRoot } from '../env.ts'
import { cliError } from '../errors.ts'
import { executableDirs, findExecutable } from '../services/find-executable.ts'
import type { ExitStatus } from '../services/supervised-process.ts'
import { installRedisWithApt } from './install-redis.ts'
import { redisAddress } from './redis-url.ts'
import { startRedisServer } from './start-redis-server.ts'

export interface EnsuredRedis {
  url: string
  /** True when this call started redis-server; `stop()` stops only such a Redis. */
  startedHere: boolean
  /** Resolves if a Redis started here exits on its own; never resolves otherwise. */
  exited: Promise<ExitStatus>
  stop(): Promise<void>
  /** Kills a Redis started here at once (a forced stop); does nothing otherwise. */
  kill(): void
}

export interface EnsureRedisOptions {
  /** Folders to search for redis-server and apt-get (default: PATH, /usr/local/bin, /usr/bin, /usr/sbin). */
  searchDirs?: string[]
  /** Install redis-server with apt-get when missing, if running as root (default true). */
  allowInstall?: boolean
  /** How long a started redis-server may take to answer PING. */
  startTimeoutMs?: number
}

/**
 * Makes sure a Redis answers at `url`: uses the one there, or, when the URL is local and nothing
 * answers, starts redis-server (installing it with apt-get as root if needed) with its data in
 * `dir`. A remote Redis that does not answer is an error naming REDIS_URL: we never start one for it.
 *
 * @example
 * const redis = await ensureRedis('redis://127.0.0.1:6390', '/tmp/steward/redis', console.log)
 * try { … } finally { await redis.stop() }
 */
export async function ensureRedis(
  url: string,
  dir: string,
  log: (line: string) => void,
  options: EnsureRedisOptions = {},
): Promise<EnsuredRedis> {
  const shown = redactUrl(url)
  const ping = await pingRedis(url)
  if (ping.ok) {
    log(`redis: using the Redis at ${shown}`)
    return { url, startedHere: false, exited: new Promise(() => {}), stop: async () => {}, kill: () => {} }
  }
  if (ping.replied) {
    throw cliError(
      'REDIS_REFUSED',
      `the Redis at ${shown} refused us (${ping.reason.split('\n')[0]}): check the user and password in REDIS_URL`,
    )
  }
  const address = redisAddress(url)
  if (!address.local) {
    throw cliError(
      'REDIS_UNREACHABLE',
      `Redis does not answer at ${shown} (${ping.reason}): start it, or set REDIS_URL to a Redis that answers`,
    )
  }
  if (address.tls) {
    throw cliError(
      'REDIS_UNREACHABLE',
      `Redis does not answer at ${shown}, and steward starts a local Redis only without TLS: set REDIS_URL to redis://${address.host}:${address.port} or start your Redis`,
    )
  }

  const dirs = options.searchDirs ?? executableDirs(executableSearchPath())
  let executable = await findExecutable('redis-server', dirs)
  if (!executable) {
    const aptGet = await findExecutable('apt-get', dirs)
    if (aptGet && runningAsRoot() && options.allowInstall !== false) {
      await installRedisWithApt(aptGet, log)
      executable = await findExecutable('redis-server', dirs)
    }
  }
  if (!executable) {
    throw cliError(
      'REDIS_NOT_INSTALLED',
      `Redis does not answer at ${shown} and redis-server is not installed: install Redis (apt-get install redis-server) or set REDIS_URL`,
    )
  }

  log(`redis: nothing answers at ${shown}; starting redis-server on port ${address.port} (data in ${dir})`)
  const child = await startRedisServer({
    executable,
    url,
    address,
    dir,
    ...(options.startTimeoutMs === undefined ? {} : { timeoutMs: options.startTimeoutMs }),
  })
  log(`redis: started redis-server (pid ${child.pid})`)
  return {
    url,
    startedHere: true,
    exited: child.exited,
    stop: async () => {
      await child.stop()
    },
    kill: () => child.kill(),
  }
}
