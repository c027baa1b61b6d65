import { type CalendarDate, msOfDate } from './calendar-date.ts'
import type { LocalTime } from './local-time.ts'

/*
 * Instants and the wall clock of an IANA time zone, with nothing but Intl (and so the time-zone
 * database of Node's ICU). An instant is a point on the UTC line (a `Date`); a local time is what
 * a clock in the zone shows. Calendar arithmetic happens on local times and only the edges become
 * instants, so a day across a DST change is 23 or 25 hours long.
 */

const minuteMs = 60_000
const hourMs = 3_600_000
const dayMs = 86_400_000

/** Whether Intl knows the zone: every IANA name of Node's ICU, in any letter case. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

const clocks = new Map<string, Intl.DateTimeFormat>()

/** The zone's wall clock to the second, built once per zone: a formatter costs far more to build than to use. */
function clockOf(timeZone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone)
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    clocks.set(timeZone, clock)
  }
  return clock
}

interface WallClock {
  date: CalendarDate
  hour: number
  minute: number
  second: number
}

function wallClockAt(instantMs: number, timeZone: string): WallClock {
  const field: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {}
  for (const part of clockOf(timeZone).formatToParts(instantMs)) field[part.type] = Number(part.value)
  const pad = (n: number | undefined, width = 2) => String(n ?? 0).padStart(width, '0')
  return {
    date: `${pad(field.year, 4)}-${pad(field.month)}-${pad(field.day)}`,
    hour: field.hour ?? 0,
    minute: field.minute ?? 0,
    second: field.second ?? 0,
  }
}

/** What the zone's clock shows at an instant, to the second, as milliseconds of a UTC line. */
function wallMsAt(instantMs: number, timeZone: string): number {
  const wall = wallClockAt(instantMs, timeZone)
  return msOfDate(wall.date) + wall.hour * hourMs + wall.minute * minuteMs + wall.second * 1000
}

/** The local time an instant shows in a zone (seconds dropped). */
export function localTimeAt(instant: Date, timeZone: string): Required<LocalTime> {
  const { date, hour, minute } = wallClockAt(instant.getTime(), timeZone)
  return { date, hour, minute }
}

/** The date an instant falls on in a zone. */
export function dateIn(instant: Date, timeZone: string): CalendarDate {
  return wallClockAt(instant.getTime(), timeZone).date
}

/**
 * The instant a local time happens in a zone.
 * - A time that happens twice (02:30 in Berlin on the night clocks go back) is the first of the
 *   two: the window that starts at it holds both, and a clock shows it first then.
 * - A time a DST jump skips (02:30 in Berlin on the night clocks go forward) is read with the
 *   offset before the jump, so it lands as far past the jump as it was into the gap (03:30); a
 *   whole hour skipped lands on the jump itself.
 * These are RFC 5545's rules and Temporal's default ('compatible').
 */
export function instantOf(time: LocalTime, timeZone: string): Date {
  const wall = msOfDate(time.date) + time.hour * hourMs + (time.minute ?? 0) * minuteMs
  // A zone has at most two offsets within a day of an instant: the ones before and after a
  // transition. Each gives a candidate; a repeated time has two that show it, a skipped one none.
  const candidates = [...new Set([-dayMs, 0, dayMs].map((probe) => wall - offsetAt(wall + probe, timeZone)))]
  const showing = candidates.filter((ms) => wallMsAt(ms, timeZone) === wall)
  // In a gap, the larger candidate is the one read with the (smaller) offset before the jump.
  return new Date(showing.length > 0 ? Math.min(...showing) : Math.max(...candidates))
}

/** Milliseconds the zone's clock is ahead of UTC at an instant (Berlin in summer: 2 h). */
function offsetAt(instantMs: number, timeZone: string): number {
  return wallMsAt(instantMs, timeZone) - Math.floor(instantMs / 1000) * 1000
}
