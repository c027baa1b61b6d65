import type { ChurnModel } from './churn-model.ts'

export type Segment = 'low' | 'medium' | 'high'
export const segments: readonly Segment[] = ['low', 'medium', 'high']

/**
 * The risk segment of a churn probability, by the model's thresholds (a threshold belongs to the
 * higher segment).
 *
 * @example
 * segmentOf(0.45, model.segments) // 'medium' with { medium: 0.3, high: 0.6 }
 */
export function segmentOf(probability: number, thresholds: ChurnModel['segments']): Segment {
  if (probability >= thresholds.high) return 'high'
  if (probability >= thresholds.medium) return 'medium'
  return 'low'
}

export interface ScoredUser {
  user_id: string
  probability: number
  segment: Segment
  paid: boolean
}

/** One row of the segment summary. `expected_churners` is the sum of probabilities. */
export interface SegmentSummary {
  segment: Segment
  users: number
  share: number
  paid_users: number
  mean_probability: number | null
  expected_churners: number
}

/**
 * Users, paid users, mean probability and expected churners per segment, every segment listed even
 * when empty.
 */
export function summarizeSegments(users: readonly ScoredUser[]): SegmentSummary[] {
  return segments.map((segment) => {
    const members = users.filter((user) => user.segment === segment)
    const sum = members.reduce((total, user) => total + user.probability, 0)
    return {
      segment,
      users: members.length,
      share: users.length === 0 ? 0 : round(members.length / users.length),
      paid_users: members.filter((user) => user.paid).length,
      mean_probability: members.length === 0 ? null : round(sum / members.length),
      expected_churners: Math.round(sum * 10) / 10,
    }
  })
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000
}
