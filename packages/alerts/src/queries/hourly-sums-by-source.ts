import { sql } from 'kysely'
import type { Trx } from '../incidents/outbox.ts'

const hourMs = 3_600_000

/** Which metric to read: its name, the pipelines (or the product) it belongs to, optionally one step. */
export interface MetricScope {
  metric: string
  pipelines: readonly string[]
  /** Narrows to the product's rows, so the (product, name, time) index serves product-wide reads too. */
  productId?: string
  step?: string
}

/** One source: the values of the `by` labels of a metric's label set, in the order of `by`. */
export interface Source {
  key: string
  labels: Record<string, string>
}

/** Hour start (ms) → source key → sum, and every source met. */
export interface HourlySums {
  sums: Map<number, Map<string, number>>
  sources: Map<string, Source>
}

/**
 * A metric summed per hour and per source (the values of the `by` labels) over `ranges` of whole
 * hours, in one query. Label sets are few (bounded per pipeline, see `defaults.metricLabelSets`),
 * so SQL groups by the whole set and the projection onto `by` happens here. Metrics without every
 * label of `by` belong to no source and are left out.
 */
export async function hourlySumsBySource(
  db: Trx,
  scope: MetricScope,
  by: readonly string[],
  ranges: readonly { from: Date; to: Date }[],
): Promise<HourlySums> {
  const out: HourlySums = { sums: new Map(), sources: new Map() }
  if (scope.pipelines.length === 0 || ranges.length === 0) return out
  const hour = sql<number>`floor(extract(epoch from metrics.recorded_at) / 3600)`
  let query = db
    .selectFrom('metrics')
    .select([hour.as('hour'), 'metrics.labels', sql<string>`sum(metrics.value)`.as('total')])
    .where('metrics.name', '=', scope.metric)
    .where('metrics.pipeline_id', 'in', [...scope.pipelines])
    .where((eb) =>
      eb.or(
        ranges.map((range) =>
          eb.and([eb('metrics.recorded_at', '>=', range.from), eb('metrics.recorded_at', '<', range.to)]),
        ),
      ),
    )
    .groupBy([hour, 'metrics.labels'])
  if (scope.productId !== undefined) query = query.where('metrics.product_id', '=', scope.productId)
  for (const label of by) query = query.where(sql<string>`metrics.labels ->> ${label}`, 'is not', null)
  if (scope.step !== undefined) {
    const step = scope.step
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('step_runs as s')
          .select('s.id')
          .whereRef('s.id', '=', 'metrics.step_run_id')
          .where('s.step_id', '=', step),
      ),
    )
  }
  for (const row of await query.execute()) {
    const labels = Object.fromEntries(by.map((label) => [label, String(row.labels[label])]))
    const key = sourceKey(by, labels)
    if (!out.sources.has(key)) out.sources.set(key, { key, labels })
    const at = Number(row.hour) * hourMs
    const hourSums = out.sums.get(at) ?? new Map<string, number>()
    hourSums.set(key, (hourSums.get(key) ?? 0) + Number(row.total))
    out.sums.set(at, hourSums)
  }
  return out
}

/** `host=web-3`, `host=web-3,region=eu`: readable in a subject key, unique per source. */
export function sourceKey(by: readonly string[], labels: Readonly<Record<string, string>>): string {
  return by.map((label) => `${label}=${labels[label] ?? ''}`).join(',')
}

/** `host web-3`, `host web-3, region eu`: how a message names the source. */
export function describeSource(by: readonly string[], labels: Readonly<Record<string, string>>): string {
  return by.map((label) => `${label} ${labels[label] ?? ''}`).join(', ')
}

/** The whole hour starting at `start`. */
export function hourRange(start: Date): { from: Date; to: Date } {
  return { from: start, to: new Date(start.getTime() + hourMs) }
}
