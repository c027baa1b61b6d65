import {
  type PortfolioEntry,
  portfolio,
  portfolioWindows,
  previousFigures,
  type ZombieProduct,
  zombieProducts,
} from '@steward/usage'
import { staleWhileRevalidate } from '../cache/stale-while-revalidate.ts'
import type { Db } from '../read-database.ts'

export interface Portfolio {
  /** Every live product's last 30 days against the 30 before, most expensive first. */
  entries: PortfolioEntry[]
  /** Products nobody used for 30 days, most expensive first. */
  zombies: ZombieProduct[]
}

// The previous window's figures: its days are all closed, so they only move with late events, and
// they are most of the reading (its users are every actor-day row of 30 days): read once an hour.
// The current window's, once a minute: a 30-day sum moves little in a minute.
const previousMaxAgeMs = 3_600_000
const currentMaxAgeMs = 60_000

/** The portfolio page: the usage package's portfolio and zombie queries, side by side. */
export async function getPortfolio(db: Db, now = new Date()): Promise<Portfolio> {
  const windows = await portfolioWindows(db, { now })
  const key = `${windows.previous.from}/${windows.previous.to}`
  return staleWhileRevalidate(`portfolio:${key}`, currentMaxAgeMs, async () => {
    const previous = await staleWhileRevalidate(`portfolio:previous:${key}`, previousMaxAgeMs, () =>
      previousFigures(db, windows.previous),
    )
    const [entries, zombies] = await Promise.all([
      portfolio(db, { now: new Date(), previous }),
      zombieProducts(db, { now: new Date() }),
    ])
    entries.sort((a, b) => b.current.costUsd - a.current.costUsd || a.name.localeCompare(b.name))
    return { entries, zombies }
  })
}
