import type { Action } from './action.ts'

/**
 * One thing a person did, as the activity pipeline stores it for the funnel: `user` is a hashed
 * user id, or for an anonymous visitor a hashed session key prefixed `visitor:`. `time` is ISO 8601.
 * Kept: account and connection actions (sign-up, profile, photo, career, education, friend request
 * and accept), and the first `visit` of a session per day: the funnel counts visitors, not page views.
 */
export interface ActivityEvent {
  user: string
  time: string
  action: Action | 'visit'
}
