import { addDays, dateIn } from '@steward/kernel'
import type { UnusedRule } from '@steward/pipelines/rules'
import { catalogViewKind, readUsageCalendar } from '@steward/usage'
import { sql } from 'kysely'
import { md } from '../../slack/mrkdwn.ts'
import { fire, resolve, type TimerCheck } from './timer-check.ts'

/**
 * `unused`: nobody used the product for `days` days, judged from the usage rollups in the usage
 * calendar's time zone. A product younger than that is not yet judged; one never used since it
 * was deployed fires once it is old enough. Catalog views (visits to its page in Steward's UI) do
 * not count as use.
 */
export const unusedCheck: TimerCheck<UnusedRule> = {
  async evaluate({ trx, bound, rule, now }) {
    const calendar = await readUsageCalendar(trx)
    const today = dateIn(now, calendar.timezone)
    const cutoff = addDays(today, -rule.days)
    const row = await trx
      .selectFrom('usage_daily')
      .select(sql<string | null>`max(day)::text`.as('last'))
      .where('product_id', '=', bound.product.id)
      .where('events', '>', '0')
      // Visits to the product's page in Steward's own UI (owners looking at runs) are not use.
      .where('kind', '<>', catalogViewKind)
      .executeTakeFirst()
    const last = row?.last ?? null
    const subject = `product:${bound.product.id}/usage`
    const deployedDay = dateIn(bound.product.createdAt, calendar.timezone)
    const unused = last === null ? deployedDay <= cutoff : last <= cutoff
    if (!unused) return [resolve(bound, subject, 'used again', now)]
    return [
      fire(
        bound,
        { key: subject },
        {
          title: `Nobody used ${bound.product.name} for ${rule.days} days (${last ? `last use ${last}` : 'never used since it was deployed'})`,
          detail: md`Is it still needed? Its cost keeps running: see the portfolio page for zombies.`,
        },
        now,
      ),
    ]
  },
}
