import { getDb } from '../db.ts'
import { getPortfolio } from '../queries/get-portfolio.ts'

const everyMs = 10 * 60_000

/**
 * Reads the portfolio's figures soon after the server starts and every ten minutes after, so no
 * visitor waits for the previous window's distinct users (seconds at ten million events): at
 * start, and when a new day opens a new window. A failed read only logs a line; the page reads
 * for itself then.
 */
export function warmPageFigures(): void {
  const warm = async () => {
    try {
      const { db } = await getDb()
      await getPortfolio(db)
    } catch (error) {
      console.warn(`[steward web] warming the portfolio's figures failed: ${(error as Error).message}`)
    }
  }
  setTimeout(warm, 2_000).unref()
  setInterval(warm, everyMs).unref()
}
