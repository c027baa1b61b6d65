import { readFile } from 'node:fs/promises'
import type { ActivityEvent } from '../activity/activity-event.ts'

/**
 * Events from a JSON-lines file the activity pipeline wrote. It is our own output, but a line that
 * does not have the shape is an error naming the file and line rather than a silently wrong funnel.
 */
export async function readEvents(path: string): Promise<ActivityEvent[]> {
  const text = await readFile(path, 'utf8')
  const events: ActivityEvent[] = []
  let lineNumber = 0
  for (const raw of text.split('\n')) {
    lineNumber++
    if (raw.trim() === '') continue
    const value: unknown = JSON.parse(raw)
    if (!isEvent(value)) throw new Error(`${path}:${lineNumber} is not an event { user, time, action }`)
    events.push(value)
  }
  return events
}

function isEvent(value: unknown): value is ActivityEvent {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.user === 'string' && typeof v.time === 'string' && typeof v.action === 'string'
}
