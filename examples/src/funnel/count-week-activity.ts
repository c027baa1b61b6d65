import type { WarehouseSql } from '@steward/pipelines'
import { dailyActivityTable } from '../activity/daily-activity.ts'
import { tableExists } from '../warehouse/insert-rows.ts'

/** What the funnel saw of a week in `analytics.daily_activity`. */
export interface WeekActivity {
  /** Rows of the week (a day × host × platform each). */
  rows: number
  /** Days of the week with at least one row: 7 once the activity pipeline wrote them all. */
  days: number
  requests: number
}

/**
 * Counts the week `[start, end)` in the activity table, a sanity figure next to the funnel built
 * from the events files. Undefined when the table does not exist yet (a fresh home whose activity
 * pipeline never ran): the funnel backfills from the generator then, as it always has.
 *
 * @example
 * await countWeekActivity(ctx.sql('warehouse'), ctx.partition.start, ctx.partition.end)
 * // { rows: 210, days: 7, requests: 341_220 }
 */
export async function countWeekActivity(
  sql: WarehouseSql,
  start: Date,
  end: Date,
): Promise<WeekActivity | undefined> {
  if (!(await tableExists(sql, dailyActivityTable))) return undefined
  // Contract: reads one week of the table (day in [$1, $2)); DuckDB answers bigints, PostgreSQL strings.
  const { rows } = await sql.query<{ rows: unknown; days: unknown; requests: unknown }>(
    `select count(*) as rows, count(distinct day) as days, coalesce(sum(requests), 0) as requests
     from ${dailyActivityTable} where day >= cast($1 as date) and day < cast($2 as date)`,
    [isoDay(start), isoDay(end)],
  )
  const [found] = rows
  return {
    rows: Number(found?.rows ?? 0),
    days: Number(found?.days ?? 0),
    requests: Number(found?.requests ?? 0),
  }
}

function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10)
}
