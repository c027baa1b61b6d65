import type { Database } from '@steward/db'
import type { CalendarDate } from '@steward/kernel'
import { type Kysely, sql } from 'kysely'
import { assertProduct } from '../queries/assert-product.ts'

export interface BudgetStatus {
  productId: string
  /** First day of the current month in the configured time zone. */
  month: CalendarDate
  budgetUsd: number | null
  monthToDateUsd: number
  /** Month-to-date spread over the days elapsed, times the days in the month. */
  forecastUsd: number
  /** Local days elapsed this month, fractional (at least 1, so a fresh month does not extrapolate one hour). */
  elapsedDays: number
  daysInMonth: number
  /** Share of the budget spent so far, and forecast over budget; null without a budget. */
  budgetUsedRatio: number | null
  forecastOverBudget: boolean | null
}

/**
 * Month-to-date cost against the product's monthly budget, and a straight-line forecast of the
 * month's end: what was spent per elapsed day, for every day of the month.
 */
export async function budgetStatus(
  db: Kysely<Database>,
  productId: string,
  options: { now?: Date } = {},
): Promise<BudgetStatus> {
  await assertProduct(db, productId)
  const now = (options.now ?? new Date()).toISOString()
  const row = await sql<{
    month: string
    days_in_month: number
    elapsed_days: number
    mtd: string
    budget: string | null
  }>`
    with s as (select timezone from usage_settings limit 1),
    m as (
      select date_trunc('month', ${now}::timestamptz at time zone s.timezone) as start,
             ${now}::timestamptz at time zone s.timezone as local_now
      from s
    )
    select m.start::date::text as month,
      extract(day from m.start + interval '1 month' - interval '1 day')::int as days_in_month,
      extract(epoch from m.local_now - m.start)::float8 / 86400 as elapsed_days,
      coalesce((select sum(c.usd) from cost_daily c
        where c.product_id = ${productId} and c.day >= m.start::date and c.day <= m.local_now::date), 0)::text as mtd,
      (select budget_monthly_usd::text from products where id = ${productId}) as budget
    from m`.execute(db)
  const r = row.rows[0]
  if (!r) throw new Error('usage_settings has no row: run the migrations')
  const mtd = Number(r.mtd)
  const elapsed = Math.min(r.days_in_month, Math.max(1, r.elapsed_days))
  const forecast = (mtd / elapsed) * r.days_in_month
  const budget = r.budget === null ? null : Number(r.budget)
  return {
    productId,
    month: r.month,
    budgetUsd: budget,
    monthToDateUsd: mtd,
    forecastUsd: forecast,
    elapsedDays: elapsed,
    daysInMonth: r.days_in_month,
    budgetUsedRatio: budget === null || budget === 0 ? null : mtd / budget,
    forecastOverBudget: budget === null ? null : forecast > budget,
  }
}
