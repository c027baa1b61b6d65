import { addDays, type CalendarDate } from './calendar-date.ts'

/**
 * A wall-clock time with no zone: a date and a time of that day, to the minute (09:00 on
 * 2026-03-29). time-zone.ts says which instant it is in a zone.
 */
export interface LocalTime {
  readonly date: CalendarDate
  /** 0–23. */
  readonly hour: number
  /** 0–59; 0 when left out. */
  readonly minute?: number
}

/**
 * Wall-clock hours later (or earlier), rolling over into the next or previous days: 23:00 + 2 h is
 * 01:00 the next day. Civil hours, not elapsed ones: across a DST change they differ.
 */
export function addHours(time: LocalTime, hours: number): LocalTime {
  const total = time.hour + hours
  const days = Math.floor(total / 24)
  return { ...time, date: addDays(time.date, days), hour: total - days * 24 }
}
