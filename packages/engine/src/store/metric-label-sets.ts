import { NonRetryableError } from '../errors.ts'
import type { Db } from './db.ts'

/** Distinct label sets a metric may carry per pipeline unless `defaults.metricLabelSets` says otherwise. */
export const defaultMetricLabelSets = 100

/** Labels one `ctx.metric` call may carry: a few dimensions (host, region), not a record. */
export const maxLabelsPerMetric = 5

const maxLabelValueLength = 200
const labelName = /^[A-Za-z_][A-Za-z0-9_]*$/

/** How long a worker trusts what it read of other workers' label sets before reading them again. */
const refreshMs = 60_000

interface KnownSets {
  readAt: number
  /** metric → canonical label-set keys. */
  byMetric: Map<string, Set<string>>
}

/**
 * Keeps each pipeline's metrics under a bounded number of distinct label sets, so that a label fed
 * an unbounded value (a user id, a request id) fails its step with a clear error instead of
 * filling `metrics` and every per-source alert and chart with one series per value.
 *
 * A worker reads a pipeline's known sets from `metric_label_sets` before an attempt (at most once a
 * minute) and adds what its own attempts report. Workers running at once may each admit a few new
 * sets before they see the others' within that minute: the limit is a guard against unbounded
 * labels, not an exact quota.
 */
export class MetricLabelSets {
  readonly limit: number
  private readonly known = new Map<string, KnownSets>()

  constructor(
    private readonly db?: Db,
    limit = defaultMetricLabelSets,
  ) {
    this.limit = limit
  }

  /** Reads the pipeline's label sets when this worker has not, or not in the last minute. */
  async load(pipelineId: string, now = Date.now()): Promise<void> {
    if (!this.db) return
    const cached = this.known.get(pipelineId)
    if (cached && now - cached.readAt < refreshMs) return
    const rows = await this.db
      .selectFrom('metric_label_sets')
      .select(['metric', 'labels'])
      .where('pipeline_id', '=', pipelineId)
      .execute()
    const byMetric = new Map<string, Set<string>>()
    for (const row of rows) {
      const sets = byMetric.get(row.metric) ?? new Set<string>()
      sets.add(labelSetKey(row.labels))
      byMetric.set(row.metric, sets)
    }
    // What this worker admitted and may not have written yet stays known.
    for (const [metric, sets] of cached?.byMetric ?? []) {
      const merged = byMetric.get(metric) ?? new Set<string>()
      for (const key of sets) merged.add(key)
      byMetric.set(metric, merged)
    }
    this.known.set(pipelineId, { readAt: now, byMetric })
  }

  /**
   * Checks `labels` for `ctx.metric(metric, …, labels)` and remembers a new set. Throws a
   * `NonRetryableError` naming the metric and the label when the set is malformed or would take
   * the metric past the limit: a retry would only report it again.
   */
  admit(pipelineId: string, metric: string, labels: Readonly<Record<string, string>>): void {
    const names = Object.keys(labels)
    if (names.length === 0) return
    const call = `ctx.metric('${metric}', …, ${JSON.stringify(labels)})`
    if (names.length > maxLabelsPerMetric) {
      throw labelError(
        `${call}: ${names.length} labels; a metric takes at most ${maxLabelsPerMetric} (a few dimensions such as host or region)`,
      )
    }
    for (const name of names) {
      if (!labelName.test(name))
        throw labelError(`${call}: label "${name}" must be letters, digits and "_", e.g. "host"`)
      if ((labels[name] ?? '').length > maxLabelValueLength)
        throw labelError(`${call}: the value of label "${name}" is over ${maxLabelValueLength} characters`)
    }
    let cached = this.known.get(pipelineId)
    if (!cached) {
      cached = { readAt: Number.NEGATIVE_INFINITY, byMetric: new Map() }
      this.known.set(pipelineId, cached)
    }
    const sets = cached.byMetric.get(metric) ?? new Set<string>()
    cached.byMetric.set(metric, sets)
    const key = labelSetKey(labels)
    if (sets.has(key)) return
    if (sets.size >= this.limit) {
      const culprit = busiestLabel(sets, labels)
      throw labelError(
        `${call}: metric "${metric}" of pipeline ${pipelineId} already has ${sets.size} distinct label sets, ` +
          `its limit (defaults.metricLabelSets in steward.config.ts); label "${culprit.name}" would have ${culprit.values} values. ` +
          'Label with few values (a host, a region), never an id.',
      )
    }
    sets.add(key)
  }
}

/** One key per label set whatever the order of its labels. */
export function labelSetKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** The label of the new set with the most distinct values among the metric's sets: the likely id. */
function busiestLabel(
  sets: ReadonlySet<string>,
  labels: Readonly<Record<string, string>>,
): { name: string; values: number } {
  const values = new Map<string, Set<string>>()
  for (const name of Object.keys(labels)) values.set(name, new Set([labels[name] ?? '']))
  for (const key of sets) {
    for (const [name, value] of JSON.parse(key) as [string, string][]) values.get(name)?.add(value)
  }
  let best = { name: Object.keys(labels)[0] ?? '', values: 0 }
  for (const [name, seen] of values) if (seen.size > best.values) best = { name, values: seen.size }
  return best
}

function labelError(message: string): NonRetryableError {
  return new NonRetryableError(message, { code: 'METRIC_LABELS_REFUSED' })
}
