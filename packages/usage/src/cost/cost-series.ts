import type { Database } from '@steward/db'
import type { CalendarDate } from '@steward/kernel'
import { type Kysely, sql } from 'kysely'
import { assertProduct } from '../queries/assert-product.ts'
import { resolveRange, type SeriesRange } from '../queries/series-range.ts'
import { periodOf, settingsRow } from '../settings/calendar-sql.ts'
import { readUsageCalendar } from '../settings/usage-settings.ts'

export interface CostPeriod {
  period: CalendarDate
  usd: number
  /** Distinct actors of the period, and cost divided by them (null with no actor). */
  actors: number
  costPerActorUsd: number | null
}

export interface CostSeries {
  productId: string
  granularity: SeriesRange['granularity']
  timezone: string
  periods: CostPeriod[]
}

/**
 * A product's cost per day, week or month (compute plus what steps reported, from `cost_daily`),
 * with the period's active users and the cost per active user.
 */
export async function costSeries(
  db: Kysely<Database>,
  productId: string,
  range: SeriesRange,
): Promise<CostSeries> {
  const calendar = await readUsageCalendar(db)
  const r = resolveRange(range, calendar)
  await assertProduct(db, productId)
  const periodOfDay = periodOf(r.granularity, sql.ref('c.day'))
  const [costs, uniques] = await Promise.all([
    sql<{ period: string; usd: string }>`
      select ${periodOfDay}::text as period, sum(c.usd)::text as usd
      from cost_daily c cross join ${settingsRow}
      where c.product_id = ${productId} and c.day >= ${r.first}::date and c.day < ${r.end}::date
      group by 1`.execute(db),
    db
      .selectFrom('usage_period_uniques')
      .select([sql<string>`period::text`.as('period'), 'actors'])
      .where('product_id', '=', productId)
      .where('grain', '=', r.granularity)
      .where('period', '>=', r.first)
      .where('period', '<', r.end)
      .execute(),
  ])
  const usd = new Map(costs.rows.map((row) => [row.period, Number(row.usd)]))
  const actors = new Map(uniques.map((row) => [row.period, row.actors]))
  return {
    productId,
    granularity: r.granularity,
    timezone: calendar.timezone,
    periods: r.periods.map((period) => {
      const cost = usd.get(period) ?? 0
      const n = actors.get(period) ?? 0
      return { period, usd: cost, actors: n, costPerActorUsd: n > 0 ? cost / n : null }
    }),
  }
}
