import type { Database } from '@steward/db'
import { type Kysely, sql } from 'kysely'
import type { CalendarDate } from '../settings/calendar.ts'
import { monthOf, weekOf } from '../settings/calendar-sql.ts'
import { readUsageCalendar } from '../settings/usage-settings.ts'
import { assertProduct } from './assert-product.ts'
import { resolveRange, type SeriesRange } from './series-range.ts'

/** One period of a product's usage. */
export interface UsagePeriod {
  /** First day of the period (YYYY-MM-DD, in the configured time zone). */
  period: CalendarDate
  /** Events by kind (`view`, `query`…); kinds with no event are absent. */
  events: Record<string, number>
  totalEvents: number
  /** Distinct actors in the period. */
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
  const periodOfDay =
    r.granularity === 'day'
      ? sql<string>`u.day`
      : r.granularity === 'week'
        ? weekOf(sql.ref('u.day'))
        : monthOf(sql.ref('u.day'))
  const previous =
    r.granularity === 'day'
      ? sql`cur.period - 1`
      : r.granularity === 'week'
        ? sql`cur.period - 7`
        : sql`(cur.period - interval '1 month')::date`
  const [events, uniques, returning] = await Promise.all([
    sql<{ period: string; kind: string; events: string }>`
      select ${periodOfDay}::text as period, u.kind, sum(u.events)::text as events
      from usage_daily u cross join usage_settings s
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
    sql<{ period: string; returning: string }>`
      select cur.period::text as period, count(*)::text as returning
      from usage_period_actors cur
      join usage_period_actors prev
        on prev.product_id = cur.product_id and prev.grain = cur.grain
        and prev.period = ${previous} and prev.actor_hash = cur.actor_hash
      where cur.product_id = ${productId} and cur.grain = ${r.granularity}
        and cur.period >= ${r.first}::date and cur.period < ${r.end}::date
      group by 1`.execute(db),
  ])
  const byPeriod = new Map<string, UsagePeriod>(
    r.periods.map((period) => [
      period,
      { period, events: {}, totalEvents: 0, actors: 0, returningActors: 0, returningRatio: null },
    ]),
  )
  for (const row of events.rows) {
    const p = byPeriod.get(row.period)
    if (!p) continue
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
