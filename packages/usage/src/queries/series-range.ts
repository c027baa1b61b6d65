import type { UsageGrain } from '@steward/db'
import {
  addDays,
  addMonths,
  type CalendarDate,
  dateIn,
  isCalendarDate,
  nextPeriod,
  periodsBetween,
} from '@steward/kernel'
import { usageError } from '../errors.ts'
import type { UsageCalendar } from '../settings/usage-settings.ts'

export const grains: readonly UsageGrain[] = ['day', 'week', 'month']

/** A series request: granularity and an inclusive range of local dates (default: a sensible window ending today). */
export interface SeriesRange {
  granularity: UsageGrain
  from?: CalendarDate
  to?: CalendarDate
  /** "Today" is the date of this instant in the configured time zone (tests pin it). */
  now?: Date
}

/** Longest series answered in one request, so one call cannot ask for 30 years of days. */
const maxPeriods = 1000

export interface ResolvedRange {
  granularity: UsageGrain
  periods: CalendarDate[]
  /** First day of the first period, and the day after the last period: `first <= day < end`. */
  first: CalendarDate
  end: CalendarDate
}

/** Checks a range and lists its periods. Defaults: 30 days, 12 weeks, or 12 months ending today. */
export function resolveRange(range: SeriesRange, calendar: UsageCalendar): ResolvedRange {
  if (!grains.includes(range.granularity)) {
    throw usageError(
      'USAGE_QUERY_INVALID',
      `granularity must be day, week or month (got "${String(range.granularity)}")`,
    )
  }
  for (const [name, value] of [
    ['from', range.from],
    ['to', range.to],
  ] as const) {
    if (value !== undefined && !isCalendarDate(value)) {
      throw usageError('USAGE_QUERY_INVALID', `${name} must be a date as YYYY-MM-DD (got "${value}")`)
    }
  }
  const to = range.to ?? dateIn(range.now ?? new Date(), calendar.timezone)
  const from =
    range.from ??
    (range.granularity === 'day'
      ? addDays(to, -29)
      : range.granularity === 'week'
        ? addDays(to, -7 * 11)
        : addMonths(to, -11))
  if (from > to) throw usageError('USAGE_QUERY_INVALID', `from (${from}) is after to (${to})`)
  const periods = periodsBetween(from, to, range.granularity, calendar.weekStartsOn)
  if (periods.length > maxPeriods) {
    throw usageError(
      'USAGE_QUERY_INVALID',
      `the range spans ${periods.length} ${range.granularity}s; ask for at most ${maxPeriods}`,
    )
  }
  const last = periods[periods.length - 1] as CalendarDate
  const end = nextPeriod(last, range.granularity)
  return { granularity: range.granularity, periods, first: periods[0] as CalendarDate, end }
}
