import type { Database } from '@steward/db'
import { type Kysely, sql } from 'kysely'
import { settingsRow } from '../settings/calendar-sql.ts'

export interface WindowFigures {
  users: number
  events: number
  costUsd: number
  /** costUsd / users, or null with no user. */
  costPerUserUsd: number | null
}

export interface PortfolioEntry {
  id: string
  name: string
  tier: string | null
  current: WindowFigures
  previous: WindowFigures
  /** Relative change from the previous window (0.25 = +25 %), null when the previous was 0. */
  usersTrend: number | null
  costTrend: number | null
}

/**
 * Every active product's usage against its cost over the last `days` days (default 30) and the
 * `days` before, for the portfolio view: who earns their keep, and which way each is moving.
 * Users are distinct actors over the window (from the per-day actor rollup, not raw events).
 */
export async function portfolio(
  db: Kysely<Database>,
  options: { now?: Date; days?: number } = {},
): Promise<PortfolioEntry[]> {
  const now = (options.now ?? new Date()).toISOString()
  const days = options.days ?? 30
  const rows = await sql<{
    id: string
    name: string
    tier: string | null
    w: 'current' | 'previous'
    users: string
    events: string
    cost: string
  }>`
    with t as (
      select (${now}::timestamptz at time zone s.timezone)::date as today from ${settingsRow}
    ),
    windows as (
      select 'current' as w, t.today - ${days - 1}::int as start, t.today + 1 as stop from t
      union all
      select 'previous', t.today - ${2 * days - 1}::int, t.today - ${days - 1}::int from t
    )
    select p.id, p.name, p.tier, windows.w,
      (select count(distinct a.actor_hash) from usage_period_actors a
        where a.product_id = p.id and a.grain = 'day' and a.period >= windows.start and a.period < windows.stop)::text as users,
      coalesce((select sum(u.events) from usage_daily u
        where u.product_id = p.id and u.day >= windows.start and u.day < windows.stop), 0)::text as events,
      coalesce((select sum(c.usd) from cost_daily c
        where c.product_id = p.id and c.day >= windows.start and c.day < windows.stop), 0)::text as cost
    from products p cross join windows
    where p.archived_at is null
    order by p.name, p.id`.execute(db)
  const entries = new Map<string, PortfolioEntry>()
  const empty = (): WindowFigures => ({ users: 0, events: 0, costUsd: 0, costPerUserUsd: null })
  for (const r of rows.rows) {
    let entry = entries.get(r.id)
    if (!entry) {
      entry = {
        id: r.id,
        name: r.name,
        tier: r.tier,
        current: empty(),
        previous: empty(),
        usersTrend: null,
        costTrend: null,
      }
      entries.set(r.id, entry)
    }
    const users = Number(r.users)
    const cost = Number(r.cost)
    entry[r.w] = {
      users,
      events: Number(r.events),
      costUsd: cost,
      costPerUserUsd: users > 0 ? cost / users : null,
    }
  }
  const trend = (now: number, before: number) => (before > 0 ? (now - before) / before : null)
  for (const e of entries.values()) {
    e.usersTrend = trend(e.current.users, e.previous.users)
    e.costTrend = trend(e.current.costUsd, e.previous.costUsd)
  }
  return [...entries.values()]
}
