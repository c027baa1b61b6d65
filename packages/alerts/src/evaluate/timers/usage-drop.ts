import { dateIn, periodStart, previousPeriod } from '@steward/kernel'
import type { UsageDropRule } from '@steward/pipelines/rules'
import { readUsageCalendar } from '@steward/usage'
import { sql } from 'kysely'
import { fire, resolve, type TimerCheck } from './timer-check.ts'

const periodWords = {
  day: ['Daily', 'the day before'],
  week: ['Weekly', 'the week before'],
  month: ['Monthly', 'the month before'],
} as const

/**
 * `usage-drop`: the last complete period's unique users fell below `ratio` of the period before
 * (calendar periods in the usage time zone and week start). A product with no users in the
 * period before has nothing to drop from. Catalog views are not users (the rollups leave them out).
 */
export const usageDropCheck: TimerCheck<UsageDropRule> = {
  async evaluate({ trx, bound, rule, now }) {
    const calendar = await readUsageCalendar(trx)
    const current = periodStart(dateIn(now, calendar.timezone), rule.period, calendar.weekStartsOn)
    const last = previousPeriod(current, rule.period)
    const before = previousPeriod(last, rule.period)
    const rows = await trx
      .selectFrom('usage_period_uniques')
      .select([sql<string>`period::text`.as('period'), 'actors'])
      .where('product_id', '=', bound.product.id)
      .where('grain', '=', rule.period)
      .where('period', 'in', [last, before])
      .execute()
    const users = (period: string) => rows.find((row) => row.period === period)?.actors ?? 0
    const [lastUsers, beforeUsers] = [users(last), users(before)]
    const subject = `product:${bound.product.id}/usage-${rule.period}`
    const [grain, previous] = periodWords[rule.period]
    if (!(beforeUsers > 0 && lastUsers < rule.ratio * beforeUsers))
      return [resolve(bound, subject, 'usage recovered', now)]
    const drop = Math.round((1 - lastUsers / beforeUsers) * 100)
    return [
      fire(
        bound,
        { key: subject },
        {
          title: `${grain} users of ${bound.product.name} fell to ${lastUsers} in the period from ${last} (${previous}: ${beforeUsers}, −${drop}%)`,
        },
        now,
      ),
    ]
  },
}
