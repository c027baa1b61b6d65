import type { UnusedRule, UsageDropRule } from '@steward/pipelines/rules'
import { addDays, dateIn, periodStart, previousPeriod, readUsageCalendar } from '@steward/usage'
import { sql } from 'kysely'
import { fireIncident, resolveIncident } from '../incidents/incident-lifecycle.ts'
import type { Trx } from '../incidents/outbox.ts'
import { firingFor } from './firing-for.ts'
import type { BoundRule } from './rule-catalog.ts'

const periodWords = {
  day: ['Daily', 'the day before'],
  week: ['Weekly', 'the week before'],
  month: ['Monthly', 'the month before'],
} as const

/**
 * `unused`: nobody used the product for `days` days, judged from the usage rollups in the usage
 * calendar's time zone. A product younger than that is not yet judged; one never used since it
 * was deployed fires once it is old enough.
 */
export async function checkUnused(trx: Trx, bound: BoundRule, rule: UnusedRule, now: Date): Promise<void> {
  const calendar = await readUsageCalendar(trx)
  const today = dateIn(now, calendar.timezone)
  const cutoff = addDays(today, -rule.days)
  const row = await trx
    .selectFrom('usage_daily')
    .select(sql<string | null>`max(day)::text`.as('last'))
    .where('product_id', '=', bound.product.id)
    .where('events', '>', '0')
    .executeTakeFirst()
  const last = row?.last ?? null
  const subject = `product:${bound.product.id}/usage`
  const deployedDay = dateIn(bound.product.createdAt, calendar.timezone)
  const unused = last === null ? deployedDay <= cutoff : last <= cutoff
  if (unused) {
    await fireIncident(
      trx,
      firingFor(
        bound,
        { key: subject },
        {
          title: `Nobody used ${bound.product.name} for ${rule.days} days (${last ? `last use ${last}` : 'never used since it was deployed'})`,
          detail: 'Is it still needed? Its cost keeps running: see the portfolio page for zombies.',
          at: now,
          repeat: false,
        },
      ),
    )
  } else
    await resolveIncident(trx, { ruleKey: bound.key, subjectKey: subject, reason: 'used again', at: now })
}

/**
 * `usage-drop`: the last complete period's unique users fell below `ratio` of the period before
 * (calendar periods in the usage time zone and week start). A product with no users in the
 * period before has nothing to drop from.
 */
export async function checkUsageDrop(
  trx: Trx,
  bound: BoundRule,
  rule: UsageDropRule,
  now: Date,
): Promise<void> {
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
  if (beforeUsers > 0 && lastUsers < rule.ratio * beforeUsers) {
    const drop = Math.round((1 - lastUsers / beforeUsers) * 100)
    await fireIncident(
      trx,
      firingFor(
        bound,
        { key: subject },
        {
          title: `${grain} users of ${bound.product.name} fell to ${lastUsers} in the period from ${last} (${previous}: ${beforeUsers}, −${drop}%)`,
          detail: '',
          at: now,
          repeat: false,
        },
      ),
    )
  } else
    await resolveIncident(trx, {
      ruleKey: bound.key,
      subjectKey: subject,
      reason: 'usage recovered',
      at: now,
    })
}
