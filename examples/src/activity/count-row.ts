import type { Platform } from '../access-logs/access-log-line.ts'
import type { Action } from './action.ts'

/**
 * A row of the app activity counts table: requests of one action in one UTC hour, from one platform,
 * served by one host. `users` counts distinct signed-in users (anonymous visitors are not in it);
 * `errors` counts responses of 500 and above.
 */
export interface CountRow {
  hour: string
  platform: Platform
  host: string
  action: Action
  requests: number
  errors: number
  users: number
}

export const countColumns = ['hour', 'platform', 'host', 'action', 'requests', 'errors', 'users'] as const
