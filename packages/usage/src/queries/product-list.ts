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
 * rollups, through their `day` indexes: users from `usage_last_seen_days` (each actor counted
 * once, on its last day), events from `usage_daily`, cost from `cost_daily` — about 30 rows per
 * product and figure, whatever the number of raw events.
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
    users: string | null
    views: string | null
    events: string | null
    cost: string | null
    budget: string | null
  }>`
    with w as (
      select (${now}::timestamptz at time zone s.timezone)::date - ${days - 1}::int as start from ${settingsRow}
    ),
    ev as (
      select u.product_id, sum(u.events) filter (where u.kind = 'view') as views, sum(u.events) as events
      from usage_daily u where u.day >= (select start from w) group by 1
    ),
    us as (
      select l.product_id, sum(l.actors) as users
      from usage_last_seen_days l where l.day >= (select start from w) group by 1
    ),
    co as (
      select c.product_id, sum(c.usd) as cost from cost_daily c where c.day >= (select start from w) group by 1
    )
    select p.id, p.name, p.tier, p.owners, p.budget_monthly_usd::text as budget,
      us.users::text as users, ev.views::text as views, ev.events::text as events, co.cost::text as cost
    from products p
    left join ev on ev.product_id = p.id
    left join us on us.product_id = p.id
    left join co on co.product_id = p.id
    where p.archived_at is null
    order by p.name, p.id`.execute(db)
  return rows.rows.map((r) => ({
    id: r.id,
    name: r.name,
    tier: r.tier,
    owners: r.owners,
    users30d: Number(r.users ?? 0),
    views30d: Number(r.views ?? 0),
    events30d: Number(r.events ?? 0),
    cost30dUsd: Number(r.cost ?? 0),
    budgetMonthlyUsd: r.budget === null ? null : Number(r.budget),
  }))
}
