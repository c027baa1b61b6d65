/*
 * Dates on the calendar, with no time and no zone: what a wall calendar shows. Arithmetic runs on
 * UTC milliseconds, where every day is 24 hours long, so adding a day is always adding a day; only
 * time-zone.ts turns a date into an instant.
 */

/**
 * A calendar date as ISO text, `YYYY-MM-DD`. It sorts in time order as text and is what
 * PostgreSQL's `date::text` gives. Years past 9999 (the end of a window that starts on the last
 * day of 9999) have more digits.
 */
export type CalendarDate = string

export const weekdays = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const
export type Weekday = (typeof weekdays)[number]

const dayMs = 86_400_000
const datePattern = /^\d{4}-\d{2}-\d{2}$/

/** Whether `value` is written `YYYY-MM-DD` and is a day on the calendar (not 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!datePattern.test(value)) return false
  const { year, month, day } = fieldsOf(value)
  return calendarDate(year, month, day) === value
}

/** The UTC midnight of a date, in ms since the epoch. */
export function msOfDate(date: CalendarDate): number {
  const { year, month, day } = fieldsOf(date)
  return utcMidnight(year, month, day)
}

/** The date of a UTC instant, in ms since the epoch. */
export function dateAtMs(ms: number): CalendarDate {
  const at = new Date(ms)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  return `${pad(at.getUTCFullYear(), 4)}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`
}

/** The date of a year, a month (1–12) and a day; a day or month past the end rolls over (day 32, month 13). */
export function calendarDate(year: number, month: number, day: number): CalendarDate {
  return dateAtMs(utcMidnight(year, month, day))
}

function utcMidnight(year: number, month: number, day: number): number {
  const at = new Date(0)
  // Not Date.UTC, which reads years 0–99 as 1900–1999.
  at.setUTCFullYear(year, month - 1, day)
  return at.getTime()
}

function fieldsOf(date: CalendarDate): { year: number; month: number; day: number } {
  return { year: Number(date.slice(0, -6)), month: Number(date.slice(-5, -3)), day: Number(date.slice(-2)) }
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return dateAtMs(msOfDate(date) + days * dayMs)
}

/**
 * The same day `months` later (or earlier); a day the target month lacks becomes its last day:
 * 31 January + 1 month is 28 February (29 in a leap year).
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const { year, month, day } = fieldsOf(date)
  const lastDay = daysInMonth(calendarDate(year, month + months, 1))
  return calendarDate(year, month + months, Math.min(day, lastDay))
}

/** Days in the calendar month holding `date`. */
export function daysInMonth(date: CalendarDate): number {
  const { year, month } = fieldsOf(date)
  // Day 0 of the next month is the last day of this one.
  return fieldsOf(calendarDate(year, month + 1, 0)).day
}

/** Whole days from `from` to `to`: negative when `to` is earlier. */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((msOfDate(to) - msOfDate(from)) / dayMs)
}

export function weekdayOf(date: CalendarDate): Weekday {
  return weekdays[new Date(msOfDate(date)).getUTCDay()] as Weekday
}
