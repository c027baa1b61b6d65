import type { UsageGrain, WeekStart } from '@steward/db'

/*
 * Calendar dates (YYYY-MM-DD, no time, no zone) and the periods they fall in. Arithmetic on
 * Date.UTC values, which have no DST, so adding a day is always adding a day. What instant
 * starts a local day is SQL's job (calendar-sql.ts); this file never converts instants.
 */

export type CalendarDate = string

const datePattern = /^\d{4}-\d{2}-\d{2}$/

export function isCalendarDate(value: string): boolean {
  if (!datePattern.test(value)) return false
  const ms = Date.parse(`${value}T00:00:00Z`)
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value
}

/** The date an instant falls on in `timezone`. */
export function dateIn(instant: Date, timezone: string): CalendarDate {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant)
}

function toUtc(date: CalendarDate): Date {
  return new Date(`${date}T00:00:00Z`)
}

function fromUtc(date: Date): CalendarDate {
  return date.toISOString().slice(0, 10)
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = toUtc(date)
  d.setUTCDate(d.getUTCDate() + days)
  return fromUtc(d)
}

export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const d = toUtc(date)
  return fromUtc(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1)))
}

/** The first day of the period holding `date`. */
export function periodStart(date: CalendarDate, grain: UsageGrain, weekStartsOn: WeekStart): CalendarDate {
  if (grain === 'day') return date
  if (grain === 'month') return `${date.slice(0, 7)}-01`
  const weekday = toUtc(date).getUTCDay() // 0 = Sunday
  const back = weekStartsOn === 'monday' ? (weekday + 6) % 7 : weekday
  return addDays(date, -back)
}

/** The first day of the period after the one starting at `start`. */
export function nextPeriod(start: CalendarDate, grain: UsageGrain): CalendarDate {
  if (grain === 'day') return addDays(start, 1)
  if (grain === 'week') return addDays(start, 7)
  return addMonths(start, 1)
}

export function previousPeriod(start: CalendarDate, grain: UsageGrain): CalendarDate {
  if (grain === 'day') return addDays(start, -1)
  if (grain === 'week') return addDays(start, -7)
  return addMonths(start, -1)
}

/** The starts of every period from the one holding `from` to the one holding `to`, both included. */
export function periodsBetween(
  from: CalendarDate,
  to: CalendarDate,
  grain: UsageGrain,
  weekStartsOn: WeekStart,
): CalendarDate[] {
  const periods: CalendarDate[] = []
  const last = periodStart(to, grain, weekStartsOn)
  for (let p = periodStart(from, grain, weekStartsOn); p <= last; p = nextPeriod(p, grain)) periods.push(p)
  return periods
}

/** Days in the calendar month holding `date`. */
export function daysInMonth(date: CalendarDate): number {
  const d = toUtc(date)
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
}
