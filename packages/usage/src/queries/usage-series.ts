import type { Database } from '@steward/db'
import type { CalendarDate } from '@steward/kernel'
import { type Kysely, type RawBuilder, sql } from 'kysely'
import { catalogViewKind } from '../catalog-views.ts'
import { periodOf, settingsRow } from '../settings/calendar-sql.ts'
import { readUsageCalendar } from '../settings/usage-settings.ts'
import { assertProduct } from './assert-product.ts'
import { resolveRange, type SeriesRange } from './series-range.ts'

/** One period of a product's usage. */
export interface UsagePeriod {
  /** First day of the period (YYYY-MM-DD, in the configured time zone). */
  period: CalendarDate
  /** Events by kind (`view`, `query`…); kinds with no event are absent. Catalog views are not among them. */
  events: Record<string, number>
  totalEvents: number
  /** Visits to the product's page in Steward's own UI: counted apart, never as use or users. */
  catalogViews: number
  /** Distinct actors in the period (catalog views left out). */
  actors: number
  /** Actors of this period who were also active in the period before (viewers who came back). */
  returningActors: number
  /** returningActors / actors, or null when there was nobody. */
  returningRatio: number | null
}

export interface UsageSeries {
  productId: string
  granularity: SeriesRange['granularity']
  timezone: string
  weekStartsOn: string
  periods: UsagePeriod[]
}

/**
 * A product's usage per day, week or month, from the rollups only (never the raw events): at most a
 * few hundred small rows whatever the number of events. Every period of the range is present,
 * empty ones with zeros, so charts need no gap filling.
 */
export async function usageSeries(
  db: Kysely<Database>,
  productId: string,
  range: SeriesRange,
): Promise<UsageSeries> {
  const calendar = await readUsageCalendar(db)
  const r = resolveRange(range, calendar)
  await assertProduct(db, productId)
  const periodOfDay = periodOf(r.granularity, sql.ref('u.day'))
  // The period before each one: an actor returns when its previous active period is that one.
  const previousOf = (period: RawBuilder<unknown>) =>
    r.granularity === 'day'
      ? sql`(${period} - 1)`
      : r.granularity === 'week'
        ? sql`(${period} - 7)`
        : sql`(${period} - interval '1 month')::date`
  const [events, uniques, returning] = await Promise.all([
    sql<{ period: string; kind: string; events: string }>`
      select ${periodOfDay}::text as period, u.kind, sum(u.events)::text as events
      from usage_daily u cross join ${settingsRow}
      where u.product_id = ${productId} and u.day >= ${r.first}::date and u.day < ${r.end}::date
      group by 1, 2`.execute(db),
    db
      .selectFrom('usage_period_uniques')
      .select([sql<string>`period::text`.as('period'), 'actors'])
      .where('product_id', '=', productId)
      .where('grain', '=', r.granularity)
      .where('period', '>=', r.first)
      .where('period', '<', r.end)
      .execute(),
    // One range scan and a sort, whatever the planner knows about the table: each actor's
    // periods in order, and whether the one before was the previous period.
    sql<{ period: string; returning: string }>`
      select a.period::text as period, count(*)::text as returning
      from (
        select period, lag(period) over (partition by actor_hash order by period) as before
        from usage_period_actors
        where product_id = ${productId} and grain = ${r.granularity}
          and period >= ${previousOf(sql`${r.first}::date`)}::date and period < ${r.end}::date
      ) a
      where a.period >= ${r.first}::date and a.before = ${previousOf(sql.ref('a.period'))}
      group by 1`.execute(db),
  ])
  const byPeriod = new Map<string, UsagePeriod>(
    r.periods.map((period) => [
      period,
      {
        period,
        events: {},
        totalEvents: 0,
        catalogViews: 0,
        actors: 0,
        returningActors: 0,
        returningRatio: null,
      },
    ]),
  )
  for (const row of events.rows) {
    const p = byPeriod.get(row.period)
    if (!p) continue
    if (row.kind === catalogViewKind) {
      p.catalogViews += Number(row.events)
      continue
    }
    p.events[row.kind] = (p.events[row.kind] ?? 0) + Number(row.events)
    p.totalEvents += Number(row.events)
  }
  for (const row of uniques) {
    const p = byPeriod.get(row.period)
    if (p) p.actors = row.actors
  }
  for (const row of returning.rows) {
    const p = byPeriod.get(row.period)
    if (p) p.returningActors = Number(row.returning)
  }
  for (const p of byPeriod.values()) p.returningRatio = p.actors > 0 ? p.returningActors / p.actors : null
  return {
    productId,
    granularity: r.granularity,
    timezone: calendar.timezone,
    weekStartsOn: calendar.weekStartsOn,
    periods: [...byPeriod.values()],
  }
}
