import type { AccessLogLine } from '../access-logs/access-log-line.ts'
import type { Action } from './action.ts'
import type { ActivityEvent } from './activity-event.ts'
import { classifyAction } from './classify-action.ts'
import type { CountRow } from './count-row.ts'
import { detectPlatform } from './detect-platform.ts'
import { isBot } from './is-bot.ts'

/**
 * The actions kept as per-user events: how accounts start and connect. Messages and likes are
 * counted in the table but not kept per user; they are most of the volume and the funnel does not
 * need them.
 */
const eventActions = new Set<Action>([
  'sign_up',
  'profile_update',
  'photo_upload',
  'career_entry',
  'education_entry',
  'friend_request',
  'friend_accept',
])

export interface ActivitySummary {
  /** Sorted by hour, platform, host, action. */
  counts: CountRow[]
  /** Hashed ids only; sorted by time. */
  events: ActivityEvent[]
  /** Lines counted (bots excluded). */
  rows: number
  rowsByHost: Record<string, number>
  botsRemoved: number
}

/**
 * Counts one log's requests per hour × platform × host × action, after removing bots, and keeps the
 * events the funnel needs with user ids hashed by `hash` (the raw ids never leave this function).
 * Events are the successful account and connection actions and each session's first visit of the
 * day: a failed sign-up did not sign anybody up.
 *
 * @example
 * const summary = summarizeActivity(lines, userIdHasher(salt))
 * summary.counts[0] // { hour: '2026-11-02T00:00:00.000Z', platform: 'android', host: 'web-1', action: 'view', requests: 41, errors: 0, users: 37 }
 */
export function summarizeActivity(
  lines: Iterable<AccessLogLine>,
  hash: (id: string) => string,
): ActivitySummary {
  const cells = new Map<string, { row: CountRow; users: Set<string> }>()
  const events: ActivityEvent[] = []
  const visited = new Set<string>()
  const rowsByHost: Record<string, number> = {}
  let rows = 0
  let botsRemoved = 0

  for (const line of lines) {
    if (isBot(line.user_agent)) {
      botsRemoved++
      continue
    }
    rows++
    rowsByHost[line.host] = (rowsByHost[line.host] ?? 0) + 1
    const action = classifyAction(line.method, line.path)
    const platform = detectPlatform(line.user_agent)
    const hour = `${line.timestamp.slice(0, 13)}:00:00.000Z`
    const key = `${hour}|${platform}|${line.host}|${action}`
    let cell = cells.get(key)
    if (cell === undefined) {
      cell = {
        row: { hour, platform, host: line.host, action, requests: 0, errors: 0, users: 0 },
        users: new Set(),
      }
      cells.set(key, cell)
    }
    cell.row.requests++
    if (line.response_code >= 500) cell.row.errors++
    if (line.user_id !== undefined) cell.users.add(line.user_id)

    const succeeded = line.response_code < 400
    if (line.user_id !== undefined) {
      if (succeeded && eventActions.has(action)) {
        events.push({ user: hash(line.user_id), time: line.timestamp, action })
      }
    } else if (line.session !== undefined && !visited.has(line.session)) {
      visited.add(line.session)
      events.push({ user: `visitor:${hash(line.session)}`, time: line.timestamp, action: 'visit' })
    }
  }

  const counts = [...cells.values()].map(({ row, users }) => ({ ...row, users: users.size }))
  counts.sort(
    (a, b) =>
      compare(a.hour, b.hour) ||
      compare(a.platform, b.platform) ||
      compareHosts(a.host, b.host) ||
      compare(a.action, b.action),
  )
  events.sort((a, b) => compare(a.time, b.time))
  return { counts, events, rows, rowsByHost, botsRemoved }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** `web-2` before `web-10`. */
function compareHosts(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true })
}
