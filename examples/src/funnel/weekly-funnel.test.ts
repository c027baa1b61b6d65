import { describe, expect, it } from 'vitest'
import type { ActivityEvent } from '../activity/activity-event.ts'
import { buildSequences } from './build-sequences.ts'
import { computeWeeklyFunnel } from './weekly-funnel.ts'

const e = (user: string, time: string, action: ActivityEvent['action']): ActivityEvent => ({
  user,
  time: `2026-${time}:00.000Z`,
  action,
})

// Two weeks: Monday 26 October and Monday 2 November 2026.
const events: ActivityEvent[] = [
  // Visitors: v1 twice in week 1 (counts once) and again in week 2; v4 and v5 are outside the weeks.
  e('visitor:v1', '10-27T10:00', 'visit'),
  e('visitor:v1', '10-28T10:00', 'visit'),
  e('visitor:v1', '11-03T10:00', 'visit'),
  e('visitor:v2', '10-30T10:00', 'visit'),
  e('visitor:v6', '10-26T00:00', 'visit'),
  e('visitor:v7', '11-01T23:59', 'visit'),
  e('visitor:v8', '10-29T08:00', 'visit'),
  e('visitor:v9', '10-29T09:00', 'visit'),
  e('visitor:v3', '11-02T00:00', 'visit'),
  e('visitor:v4', '11-09T10:00', 'visit'),
  e('visitor:v5', '10-20T10:00', 'visit'),
  // a: every stage; the connection comes in the next week but counts for a's cohort (week 1).
  e('a', '11-04T20:00', 'friend_accept'),
  e('a', '10-27T11:00', 'sign_up'),
  e('a', '10-27T11:30', 'profile_update'),
  e('a', '10-27T12:00', 'message'),
  e('a', '10-28T09:00', 'photo_upload'),
  // b: up to the first photo.
  e('b', '10-28T10:00', 'sign_up'),
  e('b', '10-29T10:00', 'profile_update'),
  e('b', '10-30T10:00', 'photo_upload'),
  // c: uploaded a photo before the profile: the ordered funnel stops at the profile.
  e('c', '10-29T09:00', 'sign_up'),
  e('c', '10-29T10:00', 'photo_upload'),
  e('c', '10-29T12:00', 'profile_update'),
  // d: week 2, profile only.
  e('d', '11-03T10:00', 'sign_up'),
  e('d', '11-03T11:00', 'profile_update'),
  // e: an established user (no sign-up in the data): not in the funnel.
  e('e', '10-27T10:00', 'profile_update'),
  e('e', '10-27T11:00', 'photo_upload'),
]

describe('buildSequences', () => {
  it('sorts by user then time and drops users who did not sign up in the data', () => {
    const sequences = buildSequences(events)
    expect(sequences.some((event) => event.user === 'e')).toBe(false)
    expect(sequences.filter((event) => event.user === 'a').map((event) => event.action)).toEqual([
      'sign_up',
      'profile_update',
      'message',
      'photo_upload',
      'friend_accept',
    ])
    const keys = sequences.map((event) => `${event.user}|${event.time}`)
    expect(keys).toEqual([...keys].sort())
  })
})

describe('computeWeeklyFunnel', () => {
  it('counts each stage per cohort week with ratios to the stage before and to visitors', () => {
    const funnel = computeWeeklyFunnel(buildSequences(events), ['2026-10-26', '2026-11-02'])
    expect(funnel).toEqual([
      {
        week: '2026-10-26',
        visitors: 6,
        sign_ups: 3,
        profile_completed: 3,
        first_photo: 2,
        first_connection: 1,
        sign_ups_of_previous: 0.5,
        sign_ups_of_visitors: 0.5,
        profile_completed_of_previous: 1,
        profile_completed_of_visitors: 0.5,
        first_photo_of_previous: 0.6667,
        first_photo_of_visitors: 0.3333,
        first_connection_of_previous: 0.5,
        first_connection_of_visitors: 0.1667,
      },
      {
        week: '2026-11-02',
        visitors: 2,
        sign_ups: 1,
        profile_completed: 1,
        first_photo: 0,
        first_connection: 0,
        sign_ups_of_previous: 0.5,
        sign_ups_of_visitors: 0.5,
        profile_completed_of_previous: 1,
        profile_completed_of_visitors: 0.5,
        first_photo_of_previous: 0,
        first_photo_of_visitors: 0,
        // 0 of 0: no ratio rather than a made-up 0.
        first_connection_of_previous: null,
        first_connection_of_visitors: 0,
      },
    ])
  })

  it('lists a week with no data with zero counts and null ratios', () => {
    expect(computeWeeklyFunnel([], ['2026-11-09'])).toEqual([
      expect.objectContaining({ week: '2026-11-09', visitors: 0, sign_ups: 0, sign_ups_of_visitors: null }),
    ])
  })
})
