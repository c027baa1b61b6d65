import { sql } from 'kysely'
import type { Db } from '../read-database.ts'

/** Views per local day over the last `days` days, oldest first, today last; zeros where none. */
export type DailyViews = number[]

/**
 * The catalog's sparklines for the products on screen (a page, not all 2,000): one query over
 * `usage_daily` by its primary key (product, day, kind), days in the configured time zone like
 * every other usage figure.
 */
export async function catalogSparklines(
  db: Db,
  productIds: readonly string[],
  days = 30,
): Promise<Map<string, DailyViews>> {
  const series = new Map<string, DailyViews>(productIds.map((id) => [id, new Array(days).fill(0)]))
  if (productIds.length === 0) return series
  const rows = await sql<{ product_id: string; offset: number; views: string }>`
    with w as (
      select (now() at time zone s.timezone)::date - ${days - 1}::int as start
      from (select timezone from usage_settings limit 1) s
    )
    select u.product_id, (u.day - w.start)::int as offset, sum(u.events)::text as views
    from usage_daily u cross join w
    where u.product_id in (${sql.join(productIds)}) and u.day >= w.start and u.kind = 'view'
    group by 1, 2`.execute(db)
  for (const row of rows.rows) {
    const values = series.get(row.product_id)
    if (values && row.offset >= 0 && row.offset < days) values[row.offset] = Number(row.views)
  }
  return series
}
