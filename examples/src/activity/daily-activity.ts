import type { Platform } from '../access-logs/access-log-line.ts'
import type { CountRow } from './count-row.ts'

/** The published table of daily activity per web server and platform (see the README, "Tables"). */
export const dailyActivityTable = 'analytics.daily_activity'

/** The platforms the counts recognise; the table's accepted values. */
export const platforms: readonly Platform[] = ['ios', 'android', 'web']

/** A row of `analytics.daily_activity`: one UTC day of one host and platform, bots excluded. */
export interface DailyActivityRow {
  day: string
  host: string
  platform: string
  requests: number
  errors: number
}

/**
 * Sums a day's hourly counts (the counts CSV `count` writes) per host and platform, sorted by host
 * then platform so a day always writes the same rows in the same order.
 *
 * @example
 * dailyActivityRows('2026-11-02', 'hour,platform,host,action,requests,errors,users\n…')
 * // [{ day: '2026-11-02', host: 'web-1', platform: 'ios', requests: 812, errors: 3 }, …]
 */
export function dailyActivityRows(day: string, countsCsv: string): DailyActivityRow[] {
  const [header = '', ...lines] = countsCsv.split('\n')
  const columns = header.split(',') as (keyof CountRow)[]
  const at = (name: keyof CountRow) => {
    const index = columns.indexOf(name)
    if (index < 0)
      throw new Error(`the counts file has no "${name}" column (header: ${header.slice(0, 200)})`)
    return index
  }
  const host = at('host')
  const platform = at('platform')
  const requests = at('requests')
  const errors = at('errors')
  const byKey = new Map<string, DailyActivityRow>()
  for (const line of lines) {
    if (line === '') continue
    // The counts hold no commas or quotes in these columns (hosts, platforms, numbers).
    const fields = line.split(',')
    const row = { host: fields[host] ?? '', platform: fields[platform] ?? '' }
    const key = `${row.host}\u0000${row.platform}`
    const sum = byKey.get(key) ?? { day, ...row, requests: 0, errors: 0 }
    sum.requests += Number(fields[requests] ?? 0)
    sum.errors += Number(fields[errors] ?? 0)
    byKey.set(key, sum)
  }
  return [...byKey.values()].sort(
    (a, b) => a.host.localeCompare(b.host, 'en', { numeric: true }) || a.platform.localeCompare(b.platform),
  )
}
