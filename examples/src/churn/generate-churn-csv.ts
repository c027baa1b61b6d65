import type { Platform } from '../access-logs/access-log-line.ts'
import { mixSeed, seededRandom } from '../access-logs/seeded-random.ts'
import { formatCsv } from '../format-csv.ts'
import { type ChurnFeatures, churnColumns } from './churn-features.ts'

const dayMs = 86_400_000

/**
 * A churn export as the CRM would drop it: one row per user, with features that hang together (an
 * engaged user is active more days, sends more messages and was seen recently).
 *
 * @example
 * const csv = generateChurnCsv({ seed: 7, users: 20_000, asOf: '2026-11-02' })
 */
export function generateChurnCsv(options: { seed: number; users: number; asOf: string }): string {
  const random = seededRandom(mixSeed(options.seed, 0xc4))
  const asOf = Date.parse(`${options.asOf}T00:00:00Z`)
  const rows: ChurnFeatures[] = []
  for (let i = 0; i < options.users; i++) {
    // Engagement in [0, 1): most users are lukewarm, a few very engaged.
    const engagement = random.next() ** 1.6
    const daysActive = Math.min(28, Math.round(engagement * 28 * (0.6 + random.next() * 0.5)))
    const messages = Math.round(daysActive * engagement * random.exponential(6))
    const away = daysActive === 0 ? random.int(28, 60) : Math.round(random.exponential((1 - engagement) * 12))
    const platform = random.weighted<Platform>([
      ['ios', 45],
      ['android', 35],
      ['web', 20],
    ])
    rows.push({
      user_id: `u_${1 + i}`,
      days_active_28d: daysActive,
      messages_sent_28d: messages,
      last_seen: new Date(asOf - away * dayMs).toISOString().slice(0, 10),
      platform,
      paid: random.chance(0.05 + engagement * 0.25),
    })
  }
  return formatCsv(churnColumns, rows)
}
