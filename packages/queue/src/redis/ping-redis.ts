import { openRedisClient } from './redis-client.ts'

export type PingResult =
  | { ok: true }
  /**
   * `replied`: a server answered but refused us (NOAUTH, WRONGPASS…); starting another would not help.
   * `code`: the socket's error code when there was one (ECONNREFUSED, ENOTFOUND…).
   */
  | { ok: false; replied: boolean; reason: string; code?: string }

export interface PingOptions {
  /** Connect and command timeout. Default 1000 ms. */
  timeoutMs?: number
  /** Aborting disconnects at once (a health probe's own deadline). */
  signal?: AbortSignal
}

/**
 * One PING (a cluster: to one of its nodes), no retries, no reconnects, no offline queue. The client is always disconnected: a
 * leaked ioredis connection keeps the process alive, and a probe must not leave sockets behind.
 */
export async function pingRedis(url: string, options: PingOptions = {}): Promise<PingResult> {
  const timeoutMs = options.timeoutMs ?? 1_000
  const client = openRedisClient(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  })
  // A failed connect rejects with "Connection is closed."; the event carries the actual reason.
  let lastError: Error | undefined
  client.on('error', (error: Error) => {
    lastError ??= error
  })
  const abort = () => client.disconnect()
  options.signal?.addEventListener('abort', abort, { once: true })
  try {
    await client.connect()
    const reply = await client.ping()
    if (reply !== 'PONG') return { ok: false, replied: true, reason: `unexpected reply to PING: ${reply}` }
    return { ok: true }
  } catch (error) {
    const failure = lastError ?? (error as Error)
    const replied = failure.name === 'ReplyError'
    const code = (failure as NodeJS.ErrnoException).code
    return { ok: false, replied, reason: failure.message, ...(code ? { code } : {}) }
  } finally {
    options.signal?.removeEventListener('abort', abort)
    client.disconnect()
  }
}
