/**
 * Wall-clock dates and times in an IANA time zone, with nothing but `Intl`. A civil time is what a
 * clock on the wall shows (2026-03-29 00:00 in Europe/Berlin); an instant is a point on the UTC
 * line (a `Date`). Partition windows are civil (a day is midnight to midnight, 23 or 25 hours long
 * across a DST change), so arithmetic happens on civil fields and only the edges become instants.
 */
export interface CivilTime {
  year: number
  /** 1–12. */
  month: number
  day: number
  hour: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone)
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, found)
  }
  return found
}

/** The civil time an instant shows in a zone (minutes and seconds dropped). */
export function civilAt(instant: Date, timeZone: string): CivilTime {
  const parts: Record<string, number> = {}
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0 }
}

/** Milliseconds the zone's clock is ahead of UTC at an instant. */
function offsetAt(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  for (const part of formatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  const asUtc = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  )
  return asUtc - Math.floor(instantMs / 1000) * 1000
}

/**
 * The instant a civil time begins in a zone. A civil time skipped by a DST gap (02:30 on a
 * spring-forward night, or midnight in zones that change at 00:00) maps to the first instant after
 * the gap, so a window never starts before the previous one ends.
 */
export function instantOf(civil: CivilTime, timeZone: string): Date {
  const wall = Date.UTC(civil.year, civil.month - 1, civil.day, civil.hour)
  // A zone has at most two offsets within a day of any instant: the ones before and after a
  // transition. Each gives a candidate; a repeated hour (fall back) has two that show it.
  const candidates = [...new Set([-1, 1].map((side) => wall - offsetAt(wall + side * 86_400_000, timeZone)))]
  const showing = candidates.filter((ms) => sameCivil(civilAt(new Date(ms), timeZone), civil))
  // Earliest when it shows twice; after a gap (nothing shows it), the later candidate, which is
  // the first instant past the gap for whole hours.
  return new Date(showing.length > 0 ? Math.min(...showing) : Math.max(...candidates))
}

function sameCivil(a: CivilTime, b: CivilTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour
}

/** Civil arithmetic: normalises overflowing fields (day 32, hour 24, month 13) the calendar's way. */
export function addCivil(
  civil: CivilTime,
  add: { months?: number; days?: number; hours?: number },
): CivilTime {
  const date = new Date(
    Date.UTC(
      civil.year,
      civil.month - 1 + (add.months ?? 0),
      civil.day + (add.days ?? 0),
      civil.hour + (add.hours ?? 0),
    ),
  )
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
  }
}

/** 0 = Sunday … 6 = Saturday, of a civil date. */
export function weekdayOf(civil: CivilTime): number {
  return new Date(Date.UTC(civil.year, civil.month - 1, civil.day)).getUTCDay()
}

/** Whole civil days from `a` to `b` (ignores hours). */
export function daysBetween(a: CivilTime, b: CivilTime): number {
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000,
  )
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone)
    return true
  } catch {
    return false
  }
}
