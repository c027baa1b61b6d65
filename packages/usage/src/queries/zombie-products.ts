import type { Database, OwnerRef } from '@steward/db'
import type { CalendarDate } from '@steward/kernel'
import { type Kysely, sql } from 'kysely'
import { catalogViewKind } from '../catalog-views.ts'
import { settingsRow } from '../settings/calendar-sql.ts'

export interface ZombieProduct {
  id: string
  name: string
  owners: OwnerRef[]
  /** Last day anyone used it, or null when nobody ever did. */
  lastUsedDay: CalendarDate | null
  /** What it cost over the last 30 days: the monthly price of keeping it alive. */
  cost30dUsd: number
}

/**
 * Products nobody used for `days` days (default 30) that cost money or not, most expensive first.
 * Visits to their pages in Steward's UI (catalog views) are not use unless `includeCatalogViews`.
 * Products younger than the window are left out: nobody has had the chance to use them yet.
 */
export async function zombieProducts(
  db: Kysely<Database>,
  options: { now?: Date; days?: number; includeCatalogViews?: boolean } = {},
): Promise<ZombieProduct[]> {
  const now = (options.now ?? new Date()).toISOString()
  const days = options.days ?? 30
  // Visits to Steward's own product pages are not use, unless asked (see catalogViewKind).
  const skipped = options.includeCatalogViews ? '' : catalogViewKind
  const rows = await sql<{
    id: string
    name: string
    owners: OwnerRef[]
    last_day: string | null
    cost: string
  }>`
    with w as (
      select (${now}::timestamptz at time zone s.timezone)::date - ${days - 1}::int as start from ${settingsRow}
    )
    select p.id, p.name, p.owners,
      (select max(u.day) from usage_daily u where u.product_id = p.id and u.kind <> ${skipped})::text as last_day,
      coalesce((select sum(c.usd) from cost_daily c where c.product_id = p.id and c.day >= w.start), 0)::text as cost
    from products p cross join w
    where p.archived_at is null
      and p.created_at <= ${now}::timestamptz - make_interval(days => ${days}::int)
      and not exists (
        select 1 from usage_daily u where u.product_id = p.id and u.day >= w.start and u.kind <> ${skipped}
      )
    order by 5 desc, p.id`.execute(db)
  return rows.rows.map((r) => ({
    id: r.id,
    name: r.name,
    owners: r.owners,
    lastUsedDay: r.last_day,
    cost30dUsd: Number(r.cost),
  }))
}
