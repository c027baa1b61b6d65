import { generateAccessLogs } from '../access-logs/generate-access-logs.ts'
import type { ActivityEvent } from './activity-event.ts'
import { summarizeActivity } from './summarize-activity.ts'

/**
 * The events the activity pipeline would have stored for `day`, computed in memory from the
 * generator without writing the raw log. Used to backfill history the demo never ran for.
 *
 * @example
 * const events = simulateDayEvents({ seed: 7, day: '2026-10-01', linesPerDay: 50_000, hash: userIdHasher(salt) })
 */
export function simulateDayEvents(options: {
  seed: number
  day: string
  linesPerDay: number
  hash: (id: string) => string
}): ActivityEvent[] {
  const lines = generateAccessLogs({ seed: options.seed, day: options.day, linesPerDay: options.linesPerDay })
  return summarizeActivity(lines, options.hash).events
}
