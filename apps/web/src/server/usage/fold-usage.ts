import { startUsageFolding } from '@steward/usage'
import { getDb } from '../db.ts'

/**
 * Counts stored usage events into the rollups every second: a request folds its own batch unless
 * another fold is running, and this catches what such requests left behind (and what a crashed
 * server had not counted). A failed fold logs one line and is tried again at the next tick.
 */
export function foldUsageInBackground(): void {
  startUsageFolding(async () => (await getDb()).db, {
    onError: (error) =>
      console.warn(
        `[steward web] counting usage events into the rollups failed: ${(error as Error).message}`,
      ),
  })
}
