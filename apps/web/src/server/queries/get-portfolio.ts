import {
  type PortfolioEntry,
  portfolio,
  portfolioWindows,
  previousFigures,
  type WindowFigures,
  type ZombieProduct,
  zombieProducts,
} from '@steward/usage'
import type { Db } from '../read-database.ts'

export interface Portfolio {
  /** Every live product's last 30 days against the 30 before, most expensive first. */
  entries: PortfolioEntry[]
  /** Products nobody used for 30 days, most expensive first. */
  zombies: ZombieProduct[]
}

// The previous window's figures per product: its days are all closed, so they only move with
// late events, and they are most of the reading (its users are every actor-day row of 30 days).
// Kept per process for an hour; on globalThis so `next dev` reloads share it.
const previousTtlMs = 3_600_000
const cache = globalThis as typeof globalThis & {
  __stewardPortfolioPrevious?: { key: string; at: number; figures: Promise<Map<string, WindowFigures>> }
}

/** The portfolio page: the usage package's portfolio and zombie queries, side by side. */
export async function getPortfolio(db: Db, now = new Date()): Promise<Portfolio> {
  const windows = await portfolioWindows(db, { now })
  const key = `${windows.previous.from}/${windows.previous.to}`
  let held = cache.__stewardPortfolioPrevious
  if (!held || held.key !== key || now.getTime() - held.at > previousTtlMs) {
    const fresh = { key, at: now.getTime(), figures: previousFigures(db, windows.previous) }
    cache.__stewardPortfolioPrevious = fresh
    // A failed read is not kept: the next request tries again.
    fresh.figures.catch(() => {
      if (cache.__stewardPortfolioPrevious === fresh) cache.__stewardPortfolioPrevious = undefined
    })
    held = fresh
  }
  const previous = await held.figures
  const [entries, zombies] = await Promise.all([
    portfolio(db, { now, previous }),
    zombieProducts(db, { now }),
  ])
  entries.sort((a, b) => b.current.costUsd - a.current.costUsd || a.name.localeCompare(b.name))
  return { entries, zombies }
}
