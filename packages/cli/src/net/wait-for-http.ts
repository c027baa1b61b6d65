import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Polls `url` until it answers with any HTTP status (a 500 still means the server is up), `signal`
 * aborts, or `timeoutMs` passes. Resolves true when it answered.
 */
export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs
  while (Date.now() < deadline && !options.signal?.aborted) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: 'manual' })
      await response.body?.cancel()
      return true
    } catch {
      // Not listening yet, or still compiling the route: try again.
    }
    await sleep(options.intervalMs ?? 500, undefined, { signal: options.signal }).catch(() => {})
  }
  return false
}
