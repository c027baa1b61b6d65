import type { WarehouseSql } from '@steward/pipelines'
import { insertRows } from '../warehouse/insert-rows.ts'
import { type DailyActivityRow, dailyActivityTable } from './daily-activity.ts'

/**
 * The table, created on first use. `loaded_at` is when the row was written: its newest value is
 * how fresh the table is (a run that writes nothing leaves it behind).
 */
const createTable = `create table if not exists ${dailyActivityTable} (
  day date not null,
  host text not null,
  platform text not null,
  requests bigint not null,
  errors bigint not null,
  loaded_at timestamptz not null
)`

/**
 * Replaces a day of `analytics.daily_activity` with `rows` (all of them written at `loadedAt`).
 * Idempotent per day: a retried or repeated run deletes the day's rows, then inserts them again.
 * `ctx.sql` runs one statement per call (no transaction across calls), so between the delete and
 * the insert a reader may see the day missing; a failure there leaves it missing until the step's
 * retry writes it again. Returns the rows inserted.
 *
 * @example
 * await writeDailyActivity(ctx.sql('warehouse'), '2026-11-02', rows, new Date())
 */
export async function writeDailyActivity(
  sql: WarehouseSql,
  day: string,
  rows: readonly DailyActivityRow[],
  loadedAt: Date,
): Promise<{ deleted: number; inserted: number }> {
  await ensureDailyActivityTable(sql)
  // Contract: deletes one day (the partition being written), nothing else. Reads: day = $1.
  const { rowCount: deleted } = await sql.query(
    `delete from ${dailyActivityTable} where day = cast($1 as date)`,
    [day],
  )
  const inserted = await insertRows(
    sql,
    dailyActivityTable,
    ['day', 'host', 'platform', 'requests', 'errors', 'loaded_at'],
    rows.map((row) => [row.day, row.host, row.platform, row.requests, row.errors, loadedAt]),
  )
  return { deleted, inserted }
}

/** Creates the `analytics` schema and the table when missing (both warehouses accept this DDL). */
export async function ensureDailyActivityTable(sql: WarehouseSql): Promise<void> {
  await sql.query('create schema if not exists analytics')
  await sql.query(createTable)
}
