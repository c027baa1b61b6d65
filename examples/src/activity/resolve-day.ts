import { parseDay } from '../access-logs/generate-access-logs.ts'

/**
 * The UTC day a daily run covers: the `date` param when given (`YYYY-MM-DD`, checked), else
 * yesterday. The 06:00 Berlin run counts the day that has just ended everywhere.
 *
 * @example
 * resolveDay(undefined, new Date('2026-11-03T05:00:00Z')) // '2026-11-02'
 */
export function resolveDay(date: string | undefined, now: Date): string {
  if (date !== undefined) {
    parseDay(date)
    return date
  }
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10)
}
