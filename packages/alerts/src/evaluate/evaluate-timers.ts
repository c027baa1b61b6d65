import { durationMs } from '@steward/kernel'
import type { DigestRule, FreshnessRule, LateRule, VolumeBound, VolumeRule } from '@steward/pipelines/rules'
import { addDays, dateIn, periodStart, readUsageCalendar } from '@steward/usage'
import { CronExpressionParser } from 'cron-parser'
import { sql } from 'kysely'
import { fireIncident, isSnoozed, resolveIncident } from '../incidents/incident-lifecycle.ts'
import { addToOutbox, type Db, type Trx } from '../incidents/outbox.ts'
import { hourlySumsBySource, hourRange } from '../queries/hourly-sums-by-source.ts'
import { renderDigest, renderReminder } from '../slack/render.ts'
import { checkFreshnessBySource, checkVolumeBySource } from './check-by-source.ts'
import { checkUnused, checkUsageDrop } from './check-usage.ts'
import { formatMs } from './evaluate-finished-runs.ts'
import { firingFor } from './firing-for.ts'
import { type BoundRule, RuleCatalog } from './rule-catalog.ts'
import { baselineHours, checkVolume, hourStartOf } from './volume-check.ts'
import { zonedHour } from './zoned-hour.ts'

const hourMs = 3_600_000

/**
 * The rules no event announces, checked on a timer against SQL: freshness, volume (a metric that
 * stopped arriving is 0), budgets, late scheduled runs, runs still going past their bound,
 * reminders and digests. One pass is one transaction, serialised across processes by a cursor row.
 */
export async function evaluateTimers(db: Db, options: { now?: Date } = {}): Promise<void> {
  const now = options.now ?? new Date()
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('alert_cursors')
      .values({ name: 'timers', position: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute()
    await trx
      .selectFrom('alert_cursors')
      .select('position')
      .where('name', '=', 'timers')
      .forUpdate()
      .execute()
    const catalog = await RuleCatalog.load(trx)
    for (const bound of catalog.rules) {
      switch (bound.rule.kind) {
        case 'freshness': {
          const { by, metric } = bound.rule
          if (by !== undefined && metric !== undefined)
            await checkFreshnessBySource(trx, catalog, bound, { ...bound.rule, by, metric }, now)
          else await checkFreshness(trx, catalog, bound, bound.rule, now)
          break
        }
        case 'volume': {
          const { by } = bound.rule
          if (by !== undefined) await checkVolumeBySource(trx, catalog, bound, { ...bound.rule, by }, now)
          else await checkVolumeRule(trx, catalog, bound, bound.rule, now)
          break
        }
        case 'budget':
          await checkBudget(trx, bound, bound.rule.monthlyUsd, bound.rule.forecast ?? true, now)
          break
        case 'late':
          await checkLate(trx, catalog, bound, bound.rule, now)
          break
        case 'run-too-long':
          await checkRunningTooLong(
            trx,
            catalog,
            bound,
            durationMs(bound.rule.over) ?? Number.POSITIVE_INFINITY,
            now,
          )
          break
        case 'digest':
          await sendDigest(trx, catalog, bound, bound.rule, now)
          break
        case 'unused':
          await checkUnused(trx, bound, bound.rule, now)
          break
        case 'usage-drop':
          await checkUsageDrop(trx, bound, bound.rule, now)
          break
        default:
          break
      }
    }
    await sendReminders(trx, now)
    await trx.updateTable('alert_cursors').set({ position: now }).where('name', '=', 'timers').execute()
  })
}

async function checkFreshness(
  trx: Trx,
  catalog: RuleCatalog,
  bound: BoundRule,
  rule: FreshnessRule,
  now: Date,
) {
  const maxAgeMs = rule.maxAge !== undefined ? durationMs(rule.maxAge) : bound.product.freshnessMaxAgeMs
  if (!maxAgeMs) return
  const pipelines = catalog.watchedPipelines(bound)
  const subjectKey = bound.pipelineId ? `pipeline:${bound.pipelineId}` : `product:${bound.product.id}`
  let query = trx
    .selectFrom('runs')
    .select(({ fn }) => fn.max('runs.finished_at').as('last'))
    .where('runs.status', '=', 'succeeded')
    .where('runs.pipeline_id', 'in', pipelines.length > 0 ? pipelines : [''])
  if (rule.metric !== undefined) {
    // Only runs that wrote something count: a worker that runs but writes nothing is not fresh data.
    const metric = rule.metric
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('metrics as m')
          .select('m.id')
          .whereRef('m.run_id', '=', 'runs.id')
          .where('m.name', '=', metric)
          .where('m.value', '>', 0),
      ),
    )
  }
  const row = await query.executeTakeFirst()
  const last = row?.last ? new Date(row.last) : null
  const since = last ?? bound.product.createdAt
  const ageMs = now.getTime() - since.getTime()
  const what = bound.pipelineId
    ? (catalog.pipelines.get(bound.pipelineId)?.name ?? bound.pipelineId)
    : bound.product.name
  if (ageMs > maxAgeMs) {
    await fireIncident(
      trx,
      firingFor(
        bound,
        { key: subjectKey, pipelineId: bound.pipelineId },
        {
          title: `${what} is stale: ${last ? `last ${rule.metric ? `run that wrote ${rule.metric}` : 'success'} ${formatMs(ageMs)} ago` : 'no successful run yet'} (promise: ${formatMs(maxAgeMs)})`,
          detail: '',
          at: now,
          repeat: false,
        },
      ),
    )
  } else {
    await resolveIncident(trx, { ruleKey: bound.key, subjectKey, reason: 'fresh data landed', at: now })
  }
}

async function checkVolumeRule(
  trx: Trx,
  catalog: RuleCatalog,
  bound: BoundRule,
  rule: VolumeRule,
  now: Date,
) {
  const pipelines = catalog.watchedPipelines(bound)
  if (pipelines.length === 0) return
  // The last complete hour: the current one is still filling.
  const hour = new Date(hourStartOf(now).getTime() - hourMs)
  const limits = (['below', 'above'] as const).flatMap((direction) => {
    const limit: VolumeBound | undefined = rule[direction]
    return limit === undefined ? [] : [{ direction, limit }]
  })
  const baselines = limits.map(({ limit }) => (typeof limit === 'number' ? [] : baselineHours(hour, limit)))
  // The hour and every baseline hour in one query; the total is the sum over all label sets.
  const { sums } = await hourlySumsBySource(
    trx,
    { metric: rule.metric, pipelines, ...(rule.step ? { step: rule.step } : {}) },
    [],
    [hour, ...baselines.flat()].map(hourRange),
  )
  const sumAt = (start: Date): number => sums.get(start.getTime())?.get('') ?? 0
  const value = sumAt(hour)
  const subjectKey = `${bound.pipelineId ? `pipeline:${bound.pipelineId}` : `product:${bound.product.id}`}/metric:${rule.step ? `${rule.step}.` : ''}${rule.metric}`
  const breaches: string[] = []
  for (const [i, { direction, limit }] of limits.entries()) {
    const baseline = (baselines[i] ?? []).map(sumAt)
    const verdict = checkVolume(value, direction, limit, baseline)
    if (verdict.breached)
      breaches.push(`${value} ${direction === 'below' ? '<' : '>'} ${round(verdict.threshold)}`)
  }
  const what = `${rule.step ? `${rule.step} › ` : ''}${rule.metric}`
  if (breaches.length > 0) {
    await fireIncident(
      trx,
      firingFor(
        bound,
        { key: subjectKey, pipelineId: bound.pipelineId, stepId: rule.step ?? null },
        {
          title: `${bound.product.name}: ${what} out of bounds in the hour from ${hour.toISOString().slice(0, 13)}:00Z (${breaches.join(', ')})`,
          detail: '',
          at: now,
          repeat: false,
        },
      ),
    )
  } else {
    await resolveIncident(trx, {
      ruleKey: bound.key,
      subjectKey,
      reason: `${what} back within bounds (${value})`,
      at: now,
    })
  }
}

async function checkBudget(
  trx: Trx,
  bound: BoundRule,
  monthlyUsd: number | undefined,
  forecast: boolean,
  now: Date,
) {
  const budget = monthlyUsd ?? bound.product.budgetMonthlyUsd
  if (!budget) return
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
  const row = await trx
    .selectFrom('cost_entries')
    .select(sql<string>`coalesce(sum(usd), 0)`.as('usd'))
    .where('product_id', '=', bound.product.id)
    .where('at', '>=', monthStart)
    .executeTakeFirstOrThrow()
  const spent = Number(row.usd)
  const subject = `product:${bound.product.id}/budget`
  if (spent > budget) {
    await fireIncident(
      trx,
      firingFor(
        bound,
        { key: subject },
        {
          title: `${bound.product.name} spent $${spent.toFixed(2)} this month, over its $${budget} budget`,
          detail: '',
          at: now,
          repeat: false,
        },
      ),
    )
  } else
    await resolveIncident(trx, { ruleKey: bound.key, subjectKey: subject, reason: 'within budget', at: now })
  if (!forecast) return
  const elapsed = (now.getTime() - monthStart.getTime()) / (nextMonth.getTime() - monthStart.getTime())
  const projected = elapsed > 0 ? spent / elapsed : 0
  const forecastSubject = `product:${bound.product.id}/budget-forecast`
  // Under three days in, a pace is noise.
  if (now.getTime() - monthStart.getTime() > 3 * 86_400_000 && projected > budget && spent <= budget) {
    await fireIncident(
      trx,
      firingFor(
        bound,
        { key: forecastSubject },
        {
          title: `${bound.product.name} is on pace to spend $${projected.toFixed(2)} this month (budget $${budget})`,
          detail: `$${spent.toFixed(2)} so far`,
          at: now,
          repeat: false,
          severity: 'warning',
        },
      ),
    )
  } else
    await resolveIncident(trx, {
      ruleKey: bound.key,
      subjectKey: forecastSubject,
      reason: 'back on budget pace',
      at: now,
    })
}

async function checkLate(trx: Trx, catalog: RuleCatalog, bound: BoundRule, rule: LateRule, now: Date) {
  const pipeline = bound.pipelineId ? catalog.pipelines.get(bound.pipelineId) : undefined
  if (!pipeline?.scheduleCron) return
  let due: Date
  try {
    due = CronExpressionParser.parse(pipeline.scheduleCron, {
      currentDate: now,
      tz: pipeline.scheduleTimezone ?? 'UTC',
    })
      .prev()
      .toDate()
  } catch {
    return
  }
  if (due.getTime() < pipeline.createdAt.getTime()) return
  const subject = `pipeline:${pipeline.id}`
  const runs = await trx
    .selectFrom('runs')
    .select(['status', 'created_at'])
    .where('pipeline_id', '=', pipeline.id)
    .where('created_at', '>=', new Date(due.getTime() - 60_000))
    .execute()
  const startMs = rule.startWithin === undefined ? undefined : durationMs(rule.startWithin)
  const finishMs = rule.finishWithin === undefined ? undefined : durationMs(rule.finishWithin)
  const notStarted = startMs !== undefined && now.getTime() > due.getTime() + startMs && runs.length === 0
  const notDone =
    finishMs !== undefined &&
    now.getTime() > due.getTime() + finishMs &&
    !runs.some((r) => r.status === 'succeeded')
  if (notStarted || notDone) {
    await fireIncident(
      trx,
      firingFor(
        bound,
        { key: subject, pipelineId: pipeline.id },
        {
          title: `${pipeline.name} is late: the run due at ${due.toISOString()} has ${notStarted ? 'not started' : 'not succeeded'}`,
          detail: '',
          at: now,
          repeat: false,
        },
      ),
    )
  } else if (runs.some((r) => r.status === 'succeeded')) {
    await resolveIncident(trx, {
      ruleKey: bound.key,
      subjectKey: subject,
      reason: 'the scheduled run succeeded',
      at: now,
    })
  }
}

async function checkRunningTooLong(
  trx: Trx,
  catalog: RuleCatalog,
  bound: BoundRule,
  boundMs: number,
  now: Date,
) {
  const pipelines = catalog.watchedPipelines(bound)
  if (pipelines.length === 0) return
  const slow = await trx
    .selectFrom('runs')
    .select(['id', 'pipeline_id', 'started_at'])
    .where('status', '=', 'running')
    .where('pipeline_id', 'in', pipelines)
    .where('started_at', '<', new Date(now.getTime() - boundMs))
    .execute()
  for (const run of slow) {
    const name = catalog.pipelines.get(run.pipeline_id)?.name ?? run.pipeline_id
    await fireIncident(
      trx,
      firingFor(
        bound,
        { key: `pipeline:${run.pipeline_id}`, pipelineId: run.pipeline_id },
        {
          title: `${name} has been running for over ${formatMs(boundMs)}`,
          detail: `Run ${run.id}`,
          at: now,
          repeat: false,
        },
      ),
    )
  }
}

async function sendReminders(trx: Trx, now: Date) {
  const due = await trx
    .selectFrom('incidents')
    .selectAll()
    .where('status', '=', 'open')
    .where('acked_at', 'is', null)
    .where('remind_every_seconds', 'is not', null)
    .execute()
  for (const incident of due) {
    const every = (incident.remind_every_seconds ?? 0) * 1000
    const last = incident.last_reminded_at ?? incident.opened_at
    if (every <= 0 || now.getTime() - last.getTime() < every || isSnoozed(incident, now)) continue
    await trx.updateTable('incidents').set({ last_reminded_at: now }).where('id', '=', incident.id).execute()
    for (const destination of incident.destinations) {
      await addToOutbox(trx, {
        destination,
        productId: incident.product_id,
        ruleKey: incident.rule_key,
        incidentId: incident.id,
        kind: 'reminder',
        payload: renderReminder(incident, formatMs(now.getTime() - incident.opened_at.getTime())),
        at: now,
      })
    }
  }
}

async function sendDigest(trx: Trx, catalog: RuleCatalog, bound: BoundRule, rule: DigestRule, now: Date) {
  // `atHourUtc` is the older form; otherwise the hour is local to the rule's zone or the usage calendar's.
  const timezone =
    rule.timezone ?? (rule.atHourUtc !== undefined ? 'UTC' : (await readUsageCalendar(trx)).timezone)
  const hour = rule.atHour ?? rule.atHourUtc ?? 9
  const today = dateIn(now, timezone)
  const firstDay = rule.every === 'week' ? periodStart(today, 'week', 'monday') : today
  const periodStartAt = zonedHour(firstDay, hour, timezone)
  if (now.getTime() < periodStartAt.getTime() || bound.product.createdAt.getTime() > periodStartAt.getTime())
    return
  const already = await trx
    .selectFrom('notifications')
    .select('id')
    .where('rule_key', '=', bound.key)
    .where('kind', '=', 'digest')
    .where('created_at', '>=', periodStartAt)
    .executeTakeFirst()
  if (already) return
  // The period before, by the calendar: a day across a DST change is 23 or 25 hours.
  const from = zonedHour(addDays(firstDay, rule.every === 'week' ? -7 : -1), hour, timezone)
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
  const costRow = await trx
    .selectFrom('cost_entries')
    .select(sql<string>`coalesce(sum(usd), 0)`.as('usd'))
    .where('product_id', '=', bound.product.id)
    .where('at', '>=', from)
    .executeTakeFirstOrThrow()
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
    costUsd: Number(costRow.usd),
  })
  const firing = firingFor(
    bound,
    { key: `product:${bound.product.id}` },
    { title: '', detail: '', at: now, repeat: false },
  )
  for (const destination of firing.destinations) {
    await addToOutbox(trx, {
      destination,
      productId: bound.product.id,
      ruleKey: bound.key,
      incidentId: null,
      kind: 'digest',
      payload,
      at: now,
    })
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
