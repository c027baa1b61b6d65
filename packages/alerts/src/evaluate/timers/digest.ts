import { addDays, dateIn, instantOf, periodStart } from '@steward/kernel'
import type { DigestRule } from '@steward/pipelines/rules'
import { readUsageCalendar } from '@steward/usage'
import { productCostSince } from '../../queries/product-cost-since.ts'
import { Mrkdwn } from '../../slack/mrkdwn.ts'
import { renderDigest } from '../../slack/render.ts'
import { firingFor } from '../firing-for.ts'
import type { TimerCheck } from './timer-check.ts'

/**
 * `digest`: once a day (or week, from Monday) at `atHour` local time, a summary of the period
 * before: runs, failures, open incidents, the last success, cost. Sent once per period: a digest
 * already in the outbox since the period began means this one went out.
 */
export const digestCheck: TimerCheck<DigestRule> = {
  async evaluate({ trx, catalog, bound, rule, now }) {
    // `atHourUtc` is the older form; otherwise the hour is local to the rule's zone or the usage calendar's.
    const timezone =
      rule.timezone ?? (rule.atHourUtc !== undefined ? 'UTC' : (await readUsageCalendar(trx)).timezone)
    const hour = rule.atHour ?? rule.atHourUtc ?? 9
    const today = dateIn(now, timezone)
    const firstDay = rule.every === 'week' ? periodStart(today, 'week', 'monday') : today
    const periodStartAt = instantOf({ date: firstDay, hour }, timezone)
    if (
      now.getTime() < periodStartAt.getTime() ||
      bound.product.createdAt.getTime() > periodStartAt.getTime()
    )
      return []
    const already = await trx
      .selectFrom('notifications')
      .select('id')
      .where('rule_key', '=', bound.key)
      .where('kind', '=', 'digest')
      .where('created_at', '>=', periodStartAt)
      .executeTakeFirst()
    if (already) return []
    // The period before, by the calendar: a day across a DST change is 23 or 25 hours.
    const from = instantOf({ date: addDays(firstDay, rule.every === 'week' ? -7 : -1), hour }, timezone)
    const pipelines = catalog.watchedPipelines(bound)
    const runs = await trx
      .selectFrom('runs')
      .select(['status', 'finished_at'])
      .where('pipeline_id', 'in', pipelines.length > 0 ? pipelines : [''])
      .where('finished_at', '>=', from)
      .execute()
    const lastSuccess = await trx
      .selectFrom('runs')
      .select(({ fn }) => fn.max('finished_at').as('last'))
      .where('product_id', '=', bound.product.id)
      .where('status', '=', 'succeeded')
      .executeTakeFirst()
    const costUsd = await productCostSince(trx, bound.product.id, from)
    const open = await trx
      .selectFrom('incidents')
      .select('title')
      .where('product_id', '=', bound.product.id)
      .where('status', '=', 'open')
      .execute()
    const payload = renderDigest({
      productName: bound.product.name,
      period: rule.every === 'week' ? 'weekly' : 'daily',
      runs: runs.length,
      failedRuns: runs.filter((r) => r.status === 'failed').length,
      openIncidents: open.map((i) => i.title),
      lastSuccessAt: lastSuccess?.last ? new Date(lastSuccess.last) : null,
      costUsd,
    })
    // Only the destinations of a firing: a digest opens no incident.
    const { destinations } = firingFor(
      bound,
      { key: `product:${bound.product.id}` },
      { title: '', detail: Mrkdwn.empty, at: now, repeat: false },
    )
    return destinations.map((destination) => ({
      kind: 'post' as const,
      message: {
        destination,
        productId: bound.product.id,
        ruleKey: bound.key,
        incidentId: null,
        kind: 'digest' as const,
        payload,
        at: now,
      },
    }))
  },
}
