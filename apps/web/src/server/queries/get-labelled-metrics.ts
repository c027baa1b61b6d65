import { getMetricSeriesByLabel } from '@steward/alerts'
import type { Db } from '../read-database.ts'

/** One metric of a product drawn per value of a label: one row of bars per source. */
export interface LabelledMetric {
  pipelineId: string
  metric: string
  label: string
  /** Start of each day shown, oldest first. */
  days: Date[]
  rows: { value: string; perDay: number[]; last: number; quiet: boolean }[]
}

const dayMs = 86_400_000
export const labelledMetricDays = 14

/**
 * The metrics a product's rules watch per source (`volume`/`freshness` rules with `by`), each as
 * daily sums per label value over the last two weeks: a source that reported before but not on
 * the newest day any source reported is `quiet`, the one a reader should see at a glance.
 */
export async function getLabelledMetrics(db: Db, productId: string, now: Date): Promise<LabelledMetric[]> {
  const pipelines = await db
    .selectFrom('pipelines')
    .select(['id', 'alert_rules'])
    .where('product_id', '=', productId)
    .where('archived_at', 'is', null)
    .execute()
  const watched = new Map<string, { pipelineId: string; metric: string; label: string }>()
  for (const pipeline of pipelines) {
    for (const rule of pipeline.alert_rules as { metric?: unknown; by?: unknown }[]) {
      const label = Array.isArray(rule.by) ? rule.by[0] : undefined
      if (typeof rule.metric !== 'string' || typeof label !== 'string') continue
      watched.set(`${pipeline.id}\u0000${rule.metric}\u0000${label}`, {
        pipelineId: pipeline.id,
        metric: rule.metric,
        label,
      })
    }
  }
  const to = new Date(Math.ceil(now.getTime() / dayMs) * dayMs)
  const from = new Date(to.getTime() - labelledMetricDays * dayMs)
  return Promise.all(
    [...watched.values()].map(async (watch) => {
      const { hours, series } = await getMetricSeriesByLabel(db, { ...watch, from, to })
      const days = Array.from({ length: labelledMetricDays }, (_, i) => new Date(from.getTime() + i * dayMs))
      const sums = series.map((source) => {
        const perDay = days.map(() => 0)
        source.points.forEach((value, i) => {
          const day = Math.floor(((hours[i]?.getTime() ?? 0) - from.getTime()) / dayMs)
          perDay[day] = (perDay[day] ?? 0) + value
        })
        return { value: source.value, perDay, lastReported: perDay.findLastIndex((value) => value > 0) }
      })
      // The newest day any source reported: a source silent on it (but not before) went quiet.
      const newest = Math.max(-1, ...sums.map((sum) => sum.lastReported))
      const rows = sums.map(({ value, perDay, lastReported }) => ({
        value,
        perDay,
        last: perDay[newest] ?? 0,
        quiet: lastReported >= 0 && lastReported < newest,
      }))
      return { ...watch, days, rows }
    }),
  )
}
