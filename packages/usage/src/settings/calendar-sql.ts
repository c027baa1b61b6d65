import { type RawBuilder, sql } from 'kysely'

/*
 * The calendar arithmetic every rollup shares, in SQL so that PostgreSQL's time-zone database
 * (DST included) decides what local day an instant falls on. `settings` is an alias of the
 * `usage_settings` row joined into the query.
 */

/**
 * The settings row as a one-row table aliased `s`. `limit 1` tells the planner it is one row: a
 * join with the bare table is estimated at hundreds of rows before it is analysed, which
 * multiplies every estimate downstream and switches on JIT compilation (seconds) for a batch.
 */
export const settingsRow = sql`(select timezone, week_starts_on from usage_settings limit 1) s`

/** The local day of the timestamptz `at`. */
export function localDay(at: RawBuilder<unknown>, settings = sql.raw('s')): RawBuilder<string> {
  return sql<string>`(${at} at time zone ${settings}.timezone)::date`
}

/** The first day of the week holding the date `day` (Monday or Sunday, as set). */
export function weekOf(day: RawBuilder<unknown>, settings = sql.raw('s')): RawBuilder<string> {
  return sql<string>`(${day} - ((extract(isodow from ${day})::int - (case when ${settings}.week_starts_on = 'monday' then 1 else 7 end) + 7) % 7))`
}

/** The first day of the calendar month holding the date `day`. */
export function monthOf(day: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`date_trunc('month', ${day}::timestamp)::date`
}

/** The period (its first day) holding the date `day`, at a series' granularity. */
export function periodOf(
  granularity: 'day' | 'week' | 'month',
  day: RawBuilder<unknown>,
): RawBuilder<string> {
  if (granularity === 'day') return sql<string>`${day}`
  return granularity === 'week' ? weekOf(day) : monthOf(day)
}
