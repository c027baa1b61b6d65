import { Redis } from 'ioredis'

export type PingResult =
  | { ok: true }
  /** `replied`: a server answered but refused us (NOAUTH, WRONGPASS…); starting another would not help. */
  | { ok: false; replied: boolean; reason: string }

/**
 * One PING, no retries, no reconnects. The client is always disconnected: a leaked ioredis
 * connection keeps the process alive.
 */
export async function pingRedis(url: string, timeoutMs = 1_000): Promise<PingResult> {
  const client = new Redis(url, {
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
    lastError = error
  })
  try {
    await client.connect()
    await client.ping()
    return { ok: true }
  } catch (error) {
    const failure = lastError ?? (error as Error)
    const replied = failure.name === 'ReplyError'
    return { ok: false, replied, reason: failure.message }
  } finally {
    client.disconnect()
  }
}
