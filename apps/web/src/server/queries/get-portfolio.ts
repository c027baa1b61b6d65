import {
  distinctUsers,
  type PortfolioEntry,
  portfolio,
  portfolioWindows,
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

// The previous window's distinct users per product: its days are all closed, so the count only
// moves with late events, and it is the one read that grows with usage (every actor-day row of
// 30 days). Kept per process for an hour; on globalThis so `next dev` reloads share it.
const previousUsersTtlMs = 3_600_000
const cache = globalThis as typeof globalThis & {
  __stewardPreviousUsers?: { key: string; at: number; users: Promise<Map<string, number>> }
}

/** The portfolio page: the usage package's portfolio and zombie queries, side by side. */
export async function getPortfolio(db: Db, now = new Date()): Promise<Portfolio> {
  const windows = await portfolioWindows(db, { now })
  const key = `${windows.previous.from}/${windows.previous.to}`
  let held = cache.__stewardPreviousUsers
  if (!held || held.key !== key || now.getTime() - held.at > previousUsersTtlMs) {
    held = { key, at: now.getTime(), users: distinctUsers(db, windows.previous) }
    cache.__stewardPreviousUsers = held
    // A failed count is not kept: the next request tries again.
    held.users.catch(() => {
      if (cache.__stewardPreviousUsers === held) cache.__stewardPreviousUsers = undefined
    })
  }
  const previousUsers = await held.users
  const [entries, zombies] = await Promise.all([
    portfolio(db, { now, previousUsers }),
    zombieProducts(db, { now }),
  ])
  entries.sort((a, b) => b.current.costUsd - a.current.costUsd || a.name.localeCompare(b.name))
  return { entries, zombies }
}
