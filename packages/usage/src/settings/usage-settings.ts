import type { Database, WeekStart } from '@steward/db'
import { isTimeZone } from '@steward/kernel'
import type { Kysely } from 'kysely'
import { usageError } from '../errors.ts'
import { rebuildRollups } from './rebuild-rollups.ts'

/** The calendar usage and cost are counted in (`usage` in steward.config.ts). */
export interface UsageCalendar {
  /** IANA time zone of days, weeks and months. */
  timezone: string
  weekStartsOn: WeekStart
}

export const defaultUsageCalendar: UsageCalendar = { timezone: 'UTC', weekStartsOn: 'monday' }

export async function readUsageCalendar(db: Kysely<Database>): Promise<UsageCalendar> {
  const row = await db.selectFrom('usage_settings').select(['timezone', 'week_starts_on']).executeTakeFirst()
  return row ? { timezone: row.timezone, weekStartsOn: row.week_starts_on } : defaultUsageCalendar
}

/**
 * Makes `calendar` the one the rollups are counted in. When it changes, every rollup is rebuilt
 * from the raw events and cost entries in the same transaction, which holds off ingestion until
 * it commits (a day in Berlin is not a day in UTC: the old rows cannot be converted). Called by
 * deploy with the project's `usage` settings. Answers whether anything changed.
 */
export async function applyUsageCalendar(db: Kysely<Database>, calendar: UsageCalendar): Promise<boolean> {
  if (!isTimeZone(calendar.timezone)) {
    throw usageError(
      'USAGE_SETTINGS_INVALID',
      `usage.timezone "${calendar.timezone}" is not an IANA time zone (e.g. "Europe/Berlin")`,
    )
  }
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('usage_settings')
      .select(['timezone', 'week_starts_on'])
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (current.timezone === calendar.timezone && current.week_starts_on === calendar.weekStartsOn)
      return false
    await trx
      .updateTable('usage_settings')
      .set({ timezone: calendar.timezone, week_starts_on: calendar.weekStartsOn, updated_at: new Date() })
      .execute()
    await rebuildRollups(trx)
    return true
  })
}
