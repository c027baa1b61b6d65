import type { Database, OwnerRef } from '@steward/db'
import { type Kysely, sql } from 'kysely'
import { settingsRow } from '../settings/calendar-sql.ts'

export interface ProductUsageSummary {
  id: string
  name: string
  tier: string | null
  owners: OwnerRef[]
  /** Distinct actors in the last 30 days (today included, configured time zone). */
  users30d: number
  views30d: number
  events30d: number
  cost30dUsd: number
  budgetMonthlyUsd: number | null
}

/**
 * Every active product with its 30-day users, views, events and cost, for the catalog. Reads only
 * rollups: users from `usage_last_seen_days` (each actor counted once, on its last day), events
 * from `usage_daily`, cost from `cost_daily` — about 30 rows per product per figure.
 */
export async function productUsageList(
  db: Kysely<Database>,
  options: { now?: Date; days?: number } = {},
): Promise<ProductUsageSummary[]> {
  const now = (options.now ?? new Date()).toISOString()
  const days = options.days ?? 30
  const rows = await sql<{
    id: string
    name: string
    tier: string | null
    owners: OwnerRef[]
    users: string
    views: string
    events: string
    cost: string
    budget: string | null
  }>`
    with w as (
      select (${now}::timestamptz at time zone s.timezone)::date - ${days - 1}::int as start from ${settingsRow}
    )
    select p.id, p.name, p.tier, p.owners, p.budget_monthly_usd::text as budget,
      coalesce((select sum(l.actors) from usage_last_seen_days l
        where l.product_id = p.id and l.day >= w.start), 0)::text as users,
      coalesce((select sum(u.events) from usage_daily u
        where u.product_id = p.id and u.day >= w.start and u.kind = 'view'), 0)::text as views,
      coalesce((select sum(u.events) from usage_daily u
        where u.product_id = p.id and u.day >= w.start), 0)::text as events,
      coalesce((select sum(c.usd) from cost_daily c
        where c.product_id = p.id and c.day >= w.start), 0)::text as cost
    from products p cross join w
    where p.archived_at is null
    order by p.name, p.id`.execute(db)
  return rows.rows.map((r) => ({
    id: r.id,
    name: r.name,
    tier: r.tier,
    owners: r.owners,
    users30d: Number(r.users),
    views30d: Number(r.views),
    events30d: Number(r.events),
    cost30dUsd: Number(r.cost),
    budgetMonthlyUsd: r.budget === null ? null : Number(r.budget),
  }))
}
