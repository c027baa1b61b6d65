import type { ActivityEvent } from '../activity/activity-event.ts'

/** The actions the funnel follows a user through; other actions stay in the sequences for context. */
export const funnelActions = ['visit', 'sign_up', 'profile_update', 'photo_upload', 'friend_accept'] as const

/**
 * Per-user event sequences: the events of anonymous visitors and of users who signed up in the
 * window, sorted by user and then time. Users who signed up before the window (the established
 * base) are dropped: they cannot enter this funnel again, and they are most of the volume.
 *
 * @example
 * buildSequences([{ user: 'b', time: '…T02', action: 'sign_up' }, { user: 'a', time: '…T01', action: 'visit' }])
 * // a's events first, then b's
 */
export function buildSequences(events: Iterable<ActivityEvent>): ActivityEvent[] {
  const signedUp = new Set<string>()
  const kept: ActivityEvent[] = []
  for (const event of events) {
    if (event.action === 'sign_up') signedUp.add(event.user)
    kept.push(event)
  }
  const sequences = kept.filter((event) => event.user.startsWith('visitor:') || signedUp.has(event.user))
  sequences.sort((a, b) => compare(a.user, b.user) || compare(a.time, b.time))
  return sequences
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
