import { StewardError } from '@steward/kernel'
import { hourStartOf } from '../evaluate/volume-check.ts'
import type { Trx } from '../incidents/outbox.ts'
import { hourlySumsBySource } from './hourly-sums-by-source.ts'

const hourMs = 3_600_000
/** A chart of more hours than this is a chart of a different question (use rollups). */
const maxHours = 31 * 24

export type MetricSeriesQuery = {
  metric: string
  /** The label whose values are the series, e.g. `host`. */
  label: string
  /** From this hour (rounded down) … */
  from: Date
  /** … up to this instant (exclusive; rounded up to a whole hour). */
  to: Date
  step?: string
} & ({ pipelineId: string } | { productId: string })

export interface MetricSeries {
  /** The start of every hour of the window, oldest first. */
  hours: Date[]
  /** One per label value, in natural order (`web-2` before `web-10`); `points[i]` is the sum in `hours[i]`, 0 when nothing arrived. */
  series: { value: string; points: number[]; total: number }[]
}

/**
 * A metric's hourly sums per value of one label, over a window, for a pipeline or every pipeline of
 * a product: what a chart draws to show the one source that went quiet. Hours without data are 0.
 *
 * @example
 * const { hours, series } = await getMetricSeriesByLabel(db, {
 *   pipelineId: 'app-activity.daily', metric: 'rows', label: 'host',
 *   from: new Date(Date.now() - 7 * 86_400_000), to: new Date(),
 * })
 */
export async function getMetricSeriesByLabel(db: Trx, query: MetricSeriesQuery): Promise<MetricSeries> {
  const from = hourStartOf(query.from)
  const to = new Date(Math.ceil(query.to.getTime() / hourMs) * hourMs)
  const count = (to.getTime() - from.getTime()) / hourMs
  if (!(count > 0) || count > maxHours) {
    throw new StewardError<'METRIC_SERIES_WINDOW_INVALID'>(
      'METRIC_SERIES_WINDOW_INVALID',
      `metric series window: from must be before to, and at most ${maxHours / 24} days apart (got ${query.from.toISOString()} to ${query.to.toISOString()})`,
    )
  }
  let pipelines: string[]
  let productId: string | undefined
  if ('pipelineId' in query) pipelines = [query.pipelineId]
  else {
    productId = query.productId
    const rows = await db.selectFrom('pipelines').select('id').where('product_id', '=', productId).execute()
    pipelines = rows.map((row) => row.id)
  }
  const { sums, sources } = await hourlySumsBySource(
    db,
    {
      metric: query.metric,
      pipelines,
      ...(productId === undefined ? {} : { productId }),
      ...(query.step === undefined ? {} : { step: query.step }),
    },
    [query.label],
    [{ from, to }],
  )
  const hours = Array.from({ length: count }, (_, i) => new Date(from.getTime() + i * hourMs))
  const series = [...sources.values()]
    .map((source) => {
      const points = hours.map((hour) => sums.get(hour.getTime())?.get(source.key) ?? 0)
      return {
        value: source.labels[query.label] ?? '',
        points,
        total: points.reduce((a, b) => a + b, 0),
      }
    })
    .sort((a, b) => a.value.localeCompare(b.value, 'en', { numeric: true }))
  return { hours, series }
}
