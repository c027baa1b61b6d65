import type { CalendarDate } from '@steward/usage'

const hourMs = 3_600_000

/** How far `timezone`'s wall clock is ahead of UTC at `instant`, in ms (Berlin in summer: 2 h). */
function offsetMs(instant: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant))
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  )
  return wall - Math.floor(instant / 1000) * 1000
}

/**
 * The instant the wall clock in `timezone` shows `hour`:00 on `date`, with that day's offset (so
 * 9:00 in Berlin is 07:00Z in summer and 08:00Z in winter). An hour that happens twice (autumn)
 * gives the later; an hour a DST jump skips (spring) gives the instant the clock jumps.
 */
export function zonedHour(date: CalendarDate, hour: number, timezone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`) + hour * hourMs
  const first = wall - offsetMs(wall, timezone)
  // The offset at the first guess may be the other side of a DST change: look once more.
  const second = wall - offsetMs(first, timezone)
  const shows = (instant: number) => instant + offsetMs(instant, timezone) === wall
  const matching = [second - hourMs, first, second, second + hourMs].filter(shows)
  return new Date(matching.length > 0 ? Math.max(...matching) : Math.max(first, second))
}
