/**
 * Figures a page may show a little old (30-day sums of 2,000 products, the previous month's
 * users): kept in the process under a key, served at once while a fresh read runs in the
 * background once they are older than `maxAgeMs`. Only the very first read of a key waits. A read
 * that fails is not kept, so the next request tries again. On globalThis, so `next dev`'s module
 * reloads share it.
 */
interface Held<T> {
  value: Promise<T>
  at: number
  refreshing: boolean
}

const store = globalThis as typeof globalThis & { __stewardStaleWhileRevalidate?: Map<string, Held<unknown>> }

export function staleWhileRevalidate<T>(
  key: string,
  maxAgeMs: number,
  read: () => Promise<T>,
  now = Date.now(),
): Promise<T> {
  store.__stewardStaleWhileRevalidate ??= new Map()
  const held = store.__stewardStaleWhileRevalidate
  const current = held.get(key) as Held<T> | undefined
  if (!current) return start(held, key, read, now).value
  if (now - current.at > maxAgeMs && !current.refreshing) {
    current.refreshing = true
    const next = start(held, key, read, now, current)
    // Swap in the fresh figures once they are read; until then, the old ones answer.
    next.value.then(
      () => held.set(key, next),
      () => {
        current.refreshing = false
      },
    )
    held.set(key, current)
  }
  return current.value
}

function start<T>(
  held: Map<string, Held<unknown>>,
  key: string,
  read: () => Promise<T>,
  now: number,
  previous?: Held<T>,
): Held<T> {
  const entry: Held<T> = { value: read(), at: now, refreshing: false }
  if (!previous) {
    held.set(key, entry)
    entry.value.catch(() => {
      if (held.get(key) === entry) held.delete(key)
    })
  }
  return entry
}

/** Tests only: forget everything. */
export function clearStaleWhileRevalidate(): void {
  store.__stewardStaleWhileRevalidate?.clear()
}
