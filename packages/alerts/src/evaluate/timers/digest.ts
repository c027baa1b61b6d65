import { addDays, dateIn, instantOf, periodStart } from '@steward/kernel'
import type { DigestRule } from '@steward/pipelines/rules'
import { readUsageCalendar } from '@steward/usage'
import { sql } from 'kysely'
import type { Trx } from '../../incidents/outbox.ts'
import { productCostSince } from '../../queries/product-cost-since.ts'
import { Mrkdwn } from '../../slack/mrkdwn.ts'
import { renderDigest } from '../../slack/render.ts'
import { formatMs } from '../evaluate-finished-runs.ts'
import { firingFor } from '../firing-for.ts'
import type { TimerCheck } from './timer-check.ts'

/**
 * `digest`: once a day (or week, from Monday) at `atHour` local time, a summary of the period
 * before: runs, failures, unique users and views against the period before it, open incidents,
 * the last success and whether the data keeps its freshness promise, cost. Sent once per period: a
 * digest already in the outbox since the period began means this one went out.
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
    const days = rule.every === 'week' ? 7 : 1
    const usage = await usageOf(trx, bound.product.id, addDays(firstDay, -days), firstDay)
    const usageBefore = await usageOf(
      trx,
      bound.product.id,
      addDays(firstDay, -2 * days),
      addDays(firstDay, -days),
    )
    const lastSuccessAt = lastSuccess?.last ? new Date(lastSuccess.last) : null
    const promiseMs = bound.product.freshnessMaxAgeMs
    const payload = renderDigest({
      productName: bound.product.name,
      period: rule.every === 'week' ? 'weekly' : 'daily',
      runs: runs.length,
      failedRuns: runs.filter((r) => r.status === 'failed').length,
      openIncidents: open.map((i) => i.title),
      lastSuccessAt,
      costUsd,
      usage: {
        users: usage.users,
        usersBefore: usageBefore.users,
        views: usage.views,
        viewsBefore: usageBefore.views,
      },
      ...(promiseMs
        ? {
            freshness: {
              promise: formatMs(promiseMs),
              stale: now.getTime() - (lastSuccessAt ?? bound.product.createdAt).getTime() > promiseMs,
            },
          }
        : {}),
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

/**
 * Unique users and views of a product over the days [from, to), from the usage rollups (days of the
 * usage calendar): users are the distinct actors of those days, so a user seen on three days of
 * the week counts once.
 */
async function usageOf(trx: Trx, productId: string, from: string, to: string) {
  const row = await sql<{ users: number; views: string | null }>`
    select
      (select count(distinct actor_hash)::int from usage_period_actors
        where product_id = ${productId} and grain = 'day' and period >= ${from}::date and period < ${to}::date) as users,
      (select sum(events) from usage_daily
        where product_id = ${productId} and kind = 'view' and day >= ${from}::date and day < ${to}::date) as views`.execute(
    trx,
  )
  return { users: Number(row.rows[0]?.users ?? 0), views: Number(row.rows[0]?.views ?? 0) }
}
