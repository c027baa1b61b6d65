import { addDays, addMonths, type CalendarDate, type Weekday, weekdayOf, weekdays } from './calendar-date.ts'

/** A calendar period: a day, a week (from its first day) or a calendar month. */
export type CalendarPeriod = 'day' | 'week' | 'month'

/** The first day of the period holding `date`; weeks start on `weekStartsOn` (ISO 8601: Monday). */
export function periodStart(
  date: CalendarDate,
  period: CalendarPeriod,
  weekStartsOn: Weekday = 'monday',
): CalendarDate {
  if (period === 'day') return date
  if (period === 'month') return `${date.slice(0, -3)}-01`
  const back = (weekdays.indexOf(weekdayOf(date)) - weekdays.indexOf(weekStartsOn) + 7) % 7
  return addDays(date, -back)
}

/** The first day of the period after the one starting at `start`. */
export function nextPeriod(start: CalendarDate, period: CalendarPeriod): CalendarDate {
  return shiftPeriod(start, period, 1)
}

/** The first day of the period before the one starting at `start`. */
export function previousPeriod(start: CalendarDate, period: CalendarPeriod): CalendarDate {
  return shiftPeriod(start, period, -1)
}

function shiftPeriod(start: CalendarDate, period: CalendarPeriod, count: number): CalendarDate {
  if (period === 'day') return addDays(start, count)
  if (period === 'week') return addDays(start, 7 * count)
  return addMonths(start, count)
}

/** The starts of every period from the one holding `from` to the one holding `to`, both included. */
export function periodsBetween(
  from: CalendarDate,
  to: CalendarDate,
  period: CalendarPeriod,
  weekStartsOn: Weekday = 'monday',
): CalendarDate[] {
  const periods: CalendarDate[] = []
  const last = periodStart(to, period, weekStartsOn)
  for (let p = periodStart(from, period, weekStartsOn); p <= last; p = nextPeriod(p, period)) periods.push(p)
  return periods
}
