const dayMs = 86_400_000

/**
 * The Monday (UTC) that starts the week holding `time`, as `YYYY-MM-DD`. Weeks start on Monday, as
 * in the project's usage settings.
 *
 * @example
 * weekStart(Date.parse('2026-11-04T10:00:00Z')) // '2026-11-02'
 */
export function weekStart(time: number): string {
  const day = Math.floor(time / dayMs)
  // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
  const monday = day - ((day + 3) % 7)
  return new Date(monday * dayMs).toISOString().slice(0, 10)
}

/**
 * The `count` week starts before the week holding `now`, oldest first: the complete weeks a Monday
 * run reports on.
 */
export function lastCompleteWeeks(now: Date, count: number): string[] {
  const current = Date.parse(`${weekStart(now.getTime())}T00:00:00Z`)
  const weeks: string[] = []
  for (let i = count; i >= 1; i--) weeks.push(new Date(current - i * 7 * dayMs).toISOString().slice(0, 10))
  return weeks
}

/** Every UTC day from `first` through the Sunday that ends the week starting `last`. */
export function daysOfWeeks(first: string, last: string): string[] {
  const days: string[] = []
  const end = Date.parse(`${last}T00:00:00Z`) + 7 * dayMs
  for (let t = Date.parse(`${first}T00:00:00Z`); t < end; t += dayMs)
    days.push(new Date(t).toISOString().slice(0, 10))
  return days
}
