import { type PortfolioEntry, portfolio, type ZombieProduct, zombieProducts } from '@steward/usage'
import type { Db } from '../read-database.ts'

export interface Portfolio {
  /** Every live product's last 30 days against the 30 before, most expensive first. */
  entries: PortfolioEntry[]
  /** Products nobody used for 30 days, most expensive first. */
  zombies: ZombieProduct[]
}

/** The portfolio page: the usage package's two portfolio queries, side by side. */
export async function getPortfolio(db: Db, now = new Date()): Promise<Portfolio> {
  const [entries, zombies] = await Promise.all([portfolio(db, { now }), zombieProducts(db, { now })])
  entries.sort((a, b) => b.current.costUsd - a.current.costUsd || a.name.localeCompare(b.name))
  return { entries, zombies }
}
