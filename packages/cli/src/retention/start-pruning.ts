import type { RetentionSettings } from '@steward/config'
import type { StewardDb } from '@steward/db'
import { describeCounts, pruneCutoffs, pruneHistory } from './prune-history.ts'

/** How often a runtime process prunes. Every process does: the batches skip what another holds. */
export const pruneEveryMs = 60 * 60_000

/**
 * Prunes history older than the retention settings a few minutes after start, then every hour,
 * in the background of a runtime process (`steward worker`, `steward dev`). The first prune waits
 * a random part of the period so processes started together do not prune together. `close()`
 * stops between two batches and waits for the one in flight.
 */
export function startPruning(
  db: StewardDb['db'],
  retention: RetentionSettings,
  options: { log: (line: string) => void; everyMs?: number; firstAfterMs?: number },
): { close(): Promise<void> } {
  const everyMs = options.everyMs ?? pruneEveryMs
  const stop = new AbortController()
  let running: Promise<void> | undefined
  let timer: NodeJS.Timeout | undefined

  const prune = async () => {
    try {
      const pruned = await pruneHistory(db, pruneCutoffs(retention, new Date()), { signal: stop.signal })
      if (Object.values(pruned).some((n) => n > 0))
        options.log(`retention: deleted ${describeCounts(pruned)}`)
    } catch (error) {
      options.log(`retention: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      running = prune().finally(() => {
        running = undefined
        if (!stop.signal.aborted) schedule(everyMs)
      })
    }, ms)
    timer.unref()
  }
  schedule(options.firstAfterMs ?? 60_000 + Math.floor(Math.random() * Math.min(everyMs, 10 * 60_000)))

  return {
    async close() {
      stop.abort()
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
