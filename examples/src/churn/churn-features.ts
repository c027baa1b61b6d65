import type { Platform } from '../access-logs/access-log-line.ts'

/**
 * One row of a churn export: what a user did in the 28 days before the export.
 *
 * The CSV contract (header required, in this order, comma-separated, UTF-8):
 *   user_id            non-empty, unique in the file
 *   days_active_28d    whole number 0–28
 *   messages_sent_28d  whole number ≥ 0
 *   last_seen          YYYY-MM-DD
 *   platform           ios | android | web
 *   paid               true | false
 */
export interface ChurnFeatures {
  user_id: string
  days_active_28d: number
  messages_sent_28d: number
  last_seen: string
  platform: Platform
  paid: boolean
}

export const churnColumns = [
  'user_id',
  'days_active_28d',
  'messages_sent_28d',
  'last_seen',
  'platform',
  'paid',
] as const
