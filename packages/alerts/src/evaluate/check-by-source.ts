import { durationMs } from '@steward/kernel'
import type { FreshnessRule, SeasonalBaseline, VolumeBound, VolumeRule } from '@steward/pipelines/rules'
import { sql } from 'kysely'
import { fireIncident, resolveIncident } from '../incidents/incident-lifecycle.ts'
import type { Trx } from '../incidents/outbox.ts'
import {
  describeSource,
  hourlySumsBySource,
  hourRange,
  type Source,
  sourceKey,
} from '../queries/hourly-sums-by-source.ts'
import { formatMs } from './evaluate-finished-runs.ts'
import { firingFor } from './firing-for.ts'
import type { BoundRule, RuleCatalog } from './rule-catalog.ts'
import { baselineHours, checkVolume, hourStartOf } from './volume-check.ts'

const hourMs = 3_600_000
/** A source silent for this long is gone (decommissioned), not quiet: per-source freshness lets it go. */
const freshnessLookbackMs = 7 * 86_400_000

/**
 * `volume({ by })`: the last complete hour of each source against its own bounds. The sources are
 * those in the baseline (the same hours earlier; with a fixed bound, the 24 hours before), so one
 * that stopped reporting is judged at 0 and one that is new is not judged at all.
 */
export async function checkVolumeBySource(
  trx: Trx,
  catalog: RuleCatalog,
  bound: BoundRule,
  rule: VolumeRule & { by: readonly string[] },
  now: Date,
): Promise<void> {
  const pipelines = catalog.watchedPipelines(bound)
  if (pipelines.length === 0) return
  const hour = new Date(hourStartOf(now).getTime() - hourMs)
  const checks = (['below', 'above'] as const).flatMap((direction) => {
    const limit: VolumeBound | undefined = rule[direction]
    if (limit === undefined) return []
    return [{ direction, limit, baseline: typeof limit === 'number' ? [] : baselineHours(hour, limit) }]
  })
  const fixed = checks.some((check) => typeof check.limit === 'number')
  const ranges = [
    hourRange(hour),
    ...[...new Set(checks.flatMap((c) => c.baseline.map((h) => h.getTime())))].map((h) =>
      hourRange(new Date(h)),
    ),
    // With a fixed bound, the sources are those of the day before.
    ...(fixed ? [{ from: new Date(hour.getTime() - 24 * hourMs), to: hour }] : []),
  ]
  const { sums, sources } = await hourlySumsBySource(
    trx,
    {
      metric: rule.metric,
      pipelines,
      productId: bound.product.id,
      ...(rule.step ? { step: rule.step } : {}),
    },
    rule.by,
    ranges,
  )
  const sumAt = (at: Date, source: Source) => sums.get(at.getTime())?.get(source.key) ?? 0
  const reported = (source: Source, hours: readonly Date[]) => hours.some((h) => sumAt(h, source) > 0)
  const dayBefore = Array.from({ length: 24 }, (_, i) => new Date(hour.getTime() - (i + 1) * hourMs))
  const subjectBase = `${bound.pipelineId ? `pipeline:${bound.pipelineId}` : `product:${bound.product.id}`}/metric:${rule.step ? `${rule.step}.` : ''}${rule.metric}`
  const what = `${rule.step ? `${rule.step} › ` : ''}${rule.metric}`
  const watched = new Set<string>()
  for (const source of sources.values()) {
    if (!checks.some((c) => reported(source, typeof c.limit === 'number' ? dayBefore : c.baseline))) continue
    watched.add(source.key)
    const value = sumAt(hour, source)
    const subjectKey = `${subjectBase}/${source.key}`
    const from = describeSource(rule.by, source.labels)
    const breaches = checks.flatMap((check) => {
      const baseline = check.baseline.map((h) => sumAt(h, source))
      const verdict = checkVolume(value, check.direction, check.limit, baseline)
      if (!verdict.breached) return []
      const mean = baseline.length > 0 ? baseline.reduce((a, b) => a + b, 0) / baseline.length : Number.NaN
      return [{ ...check, threshold: verdict.threshold, mean }]
    })
    const [first] = breaches
    if (first) {
      const compared =
        typeof first.limit === 'number'
          ? `${first.direction} ${formatCount(first.limit)}`
          : `${sameHourName(first.limit.vsSameHour)}: ${formatCount(first.mean)}`
      await fireIncident(
        trx,
        firingFor(
          bound,
          { key: subjectKey, pipelineId: bound.pipelineId, stepId: rule.step ?? null },
          {
            title: `${bound.product.name}: ${what} from ${from} are ${formatCount(value)} (${compared})`,
            detail: `In the hour from ${hour.toISOString().slice(0, 13)}:00Z; ${breaches
              .map(
                (b) =>
                  `${b.direction === 'below' ? 'expected at least' : 'expected at most'} ${formatCount(b.threshold)}`,
              )
              .join(', ')}. The other sources of ${rule.metric} are judged on their own.`,
            at: now,
            repeat: false,
          },
        ),
      )
    } else {
      await resolveIncident(trx, {
        ruleKey: bound.key,
        subjectKey,
        reason: `${what} from ${from} back within bounds (${formatCount(value)})`,
        at: now,
      })
    }
  }
  await resolveGoneSources(trx, bound, subjectBase, watched, now, 'no longer in the baseline')
}

/**
 * `freshness({ metric, by })`: each source's last successful run that reported more than 0 of the
 * metric, against `maxAge`. Sources that reported in the last 7 days are watched.
 */
export async function checkFreshnessBySource(
  trx: Trx,
  catalog: RuleCatalog,
  bound: BoundRule,
  rule: FreshnessRule & { by: readonly string[]; metric: string },
  now: Date,
): Promise<void> {
  const maxAgeMs = rule.maxAge !== undefined ? durationMs(rule.maxAge) : bound.product.freshnessMaxAgeMs
  const pipelines = catalog.watchedPipelines(bound)
  if (!maxAgeMs || pipelines.length === 0) return
  let query = trx
    .selectFrom('metrics')
    .innerJoin('runs', 'runs.id', 'metrics.run_id')
    .select(['metrics.labels', (eb) => eb.fn.max('runs.finished_at').as('last')])
    .where('metrics.product_id', '=', bound.product.id)
    .where('metrics.pipeline_id', 'in', pipelines)
    .where('metrics.name', '=', rule.metric)
    .where('metrics.value', '>', 0)
    .where('metrics.recorded_at', '>=', new Date(now.getTime() - freshnessLookbackMs - maxAgeMs))
    // As of `now`: an evaluation replayed at an earlier time judges what was there then.
    .where('metrics.recorded_at', '<=', now)
    .where('runs.status', '=', 'succeeded')
    .groupBy('metrics.labels')
  for (const label of rule.by) query = query.where(sql<string>`metrics.labels ->> ${label}`, 'is not', null)
  const lastBySource = new Map<string, { labels: Record<string, string>; last: Date }>()
  for (const row of await query.execute()) {
    if (!row.last) continue
    const labels = Object.fromEntries(rule.by.map((label) => [label, String(row.labels[label])]))
    const key = sourceKey(rule.by, labels)
    const last = new Date(row.last)
    const known = lastBySource.get(key)
    if (!known || known.last < last) lastBySource.set(key, { labels, last })
  }
  const subjectBase = `${bound.pipelineId ? `pipeline:${bound.pipelineId}` : `product:${bound.product.id}`}/fresh:${rule.metric}`
  const watched = new Set<string>()
  for (const [key, { labels, last }] of lastBySource) {
    const ageMs = now.getTime() - last.getTime()
    if (ageMs > freshnessLookbackMs) continue
    watched.add(key)
    const subjectKey = `${subjectBase}/${key}`
    const from = describeSource(rule.by, labels)
    if (ageMs > maxAgeMs) {
      await fireIncident(
        trx,
        firingFor(
          bound,
          { key: subjectKey, pipelineId: bound.pipelineId },
          {
            title: `${bound.product.name}: no ${rule.metric} from ${from} for ${formatMs(ageMs)} (promise: ${formatMs(maxAgeMs)})`,
            detail: `Last run that wrote ${rule.metric} from ${from}: ${last.toISOString()}. The other sources are judged on their own.`,
            at: now,
            repeat: false,
          },
        ),
      )
    } else {
      await resolveIncident(trx, {
        ruleKey: bound.key,
        subjectKey,
        reason: `${rule.metric} from ${from} arrived again`,
        at: now,
      })
    }
  }
  await resolveGoneSources(trx, bound, subjectBase, watched, now, 'silent for over 7 days: no longer watched')
}

/** Open incidents of the rule for sources no longer watched: a source that is gone is not an alarm forever. */
async function resolveGoneSources(
  trx: Trx,
  bound: BoundRule,
  subjectBase: string,
  watched: ReadonlySet<string>,
  now: Date,
  reason: string,
): Promise<void> {
  const open = await trx
    .selectFrom('incidents')
    .select('subject_key')
    .where('rule_key', '=', bound.key)
    .where('status', '=', 'open')
    .where('subject_key', 'like', `${subjectBase.replace(/[\\%_]/g, '\\$&')}/%`)
    .execute()
  for (const { subject_key } of open) {
    if (watched.has(subject_key.slice(subjectBase.length + 1))) continue
    await resolveIncident(trx, { ruleKey: bound.key, subjectKey: subject_key, reason, at: now })
  }
}

/** "same hour last week", "same hour on the last 7 days". */
function sameHourName(baseline: SeasonalBaseline): string {
  if ('weeks' in baseline)
    return baseline.weeks === 1 ? 'same hour last week' : `same hour, last ${baseline.weeks} weeks`
  return baseline.days === 1 ? 'same hour yesterday' : `same hour, last ${baseline.days} days`
}

/** 41,200; 0.25 */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 2 })
}
