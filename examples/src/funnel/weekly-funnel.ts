import type { ActivityEvent } from '../activity/activity-event.ts'
import { weekStart } from './week-start.ts'

export const stages = [
  'visitors',
  'sign_ups',
  'profile_completed',
  'first_photo',
  'first_connection',
] as const
export type Stage = (typeof stages)[number]

/** The action that moves a user into each stage after sign-up, in order. */
const stageActions = [
  ['profile_completed', 'profile_update'],
  ['first_photo', 'photo_upload'],
  ['first_connection', 'friend_accept'],
] as const

/**
 * One week of the funnel. Counts per stage; `<stage>_of_previous` is the stage over the one before
 * and `<stage>_of_visitors` over visitors (null when dividing by 0), so that weeks of different size
 * (holidays) compare.
 */
export type FunnelWeek = { week: string } & Record<Stage, number> &
  Record<
    `${Exclude<Stage, 'visitors'>}_of_previous` | `${Exclude<Stage, 'visitors'>}_of_visitors`,
    number | null
  >

/**
 * The weekly sign-up funnel from per-user sequences sorted by user and time (buildSequences).
 *
 * - visitors: distinct anonymous visitors seen in the week;
 * - sign_ups: users whose first sign-up is in the week (the week is the user's cohort);
 * - every later stage counts the cohort's users who did its action after reaching the stage
 *   before, at any time up to the end of the data: profile details, then a photo, then a first
 *   accepted friend request. Recent cohorts have had less time, so their later stages run lower.
 *
 * @example
 * computeWeeklyFunnel(sequences, ['2026-10-26', '2026-11-02'])
 * // [{ week: '2026-10-26', visitors: 1200, sign_ups: 310, sign_ups_of_visitors: 0.2583, … }, …]
 */
export function computeWeeklyFunnel(
  sequences: readonly ActivityEvent[],
  weeks: readonly string[],
): FunnelWeek[] {
  const counts = new Map<string, Record<Stage, number>>()
  for (const week of weeks) {
    counts.set(week, { visitors: 0, sign_ups: 0, profile_completed: 0, first_photo: 0, first_connection: 0 })
  }
  const seenVisitors = new Map<string, Set<string>>()

  let start = 0
  while (start < sequences.length) {
    const user = sequences[start]?.user
    let end = start
    while (end < sequences.length && sequences[end]?.user === user) end++
    if (user !== undefined) {
      const events = sequences.slice(start, end)
      if (user.startsWith('visitor:')) countVisitor(user, events, counts, seenVisitors)
      else countUser(events, counts)
    }
    start = end
  }

  return weeks.map((week) => {
    const c = counts.get(week) ?? {
      visitors: 0,
      sign_ups: 0,
      profile_completed: 0,
      first_photo: 0,
      first_connection: 0,
    }
    const row: Record<string, string | number | null> = { week, ...c }
    for (let i = 1; i < stages.length; i++) {
      const stage = stages[i] as Stage
      const previous = stages[i - 1] as Stage
      row[`${stage}_of_previous`] = ratio(c[stage], c[previous])
      row[`${stage}_of_visitors`] = ratio(c[stage], c.visitors)
    }
    return row as FunnelWeek
  })
}

function countVisitor(
  user: string,
  events: readonly ActivityEvent[],
  counts: Map<string, Record<Stage, number>>,
  seen: Map<string, Set<string>>,
): void {
  for (const event of events) {
    if (event.action !== 'visit') continue
    const week = weekStart(Date.parse(event.time))
    const c = counts.get(week)
    if (c === undefined) continue
    let visitors = seen.get(week)
    if (visitors === undefined) {
      visitors = new Set()
      seen.set(week, visitors)
    }
    if (!visitors.has(user)) {
      visitors.add(user)
      c.visitors++
    }
  }
}

function countUser(events: readonly ActivityEvent[], counts: Map<string, Record<Stage, number>>): void {
  const signUp = events.find((event) => event.action === 'sign_up')
  if (signUp === undefined) return
  const c = counts.get(weekStart(Date.parse(signUp.time)))
  if (c === undefined) return
  c.sign_ups++
  let reachedAt = signUp.time
  for (const [stage, action] of stageActions) {
    // Sequences are sorted by time, so the first match at or after the last stage is the earliest.
    const next = events.find((event) => event.action === action && event.time >= reachedAt)
    if (next === undefined) return
    c[stage]++
    reachedAt = next.time
  }
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000
}
