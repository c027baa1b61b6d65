import { durationMs } from '@steward/kernel'
import type { FreshnessRule } from '@steward/pipelines/rules'
import { formatMs } from '../evaluate-finished-runs.ts'
import { scopeSubject } from '../rule-catalog.ts'
import { checkFreshnessBySource } from './freshness-by-source.ts'
import { checkTableFreshness } from './table-freshness.ts'
import { fire, resolve, type TimerCheck } from './timer-check.ts'

/**
 * `freshness`: the last successful run of the watched pipelines (with `metric`, the last that
 * wrote more than 0 of it) against `maxAge`, or the product's promise. With `by`, each source is
 * judged on its own (freshness-by-source.ts).
 */
export const freshnessCheck: TimerCheck<FreshnessRule> = {
  async evaluate(input) {
    const { trx, catalog, bound, rule, now } = input
    const { by, metric } = rule
    if (rule.table !== undefined) return checkTableFreshness({ ...input, table: rule.table })
    if (by !== undefined && metric !== undefined)
      return checkFreshnessBySource({ ...input, rule: { ...rule, by, metric } })
    const maxAgeMs = rule.maxAge !== undefined ? durationMs(rule.maxAge) : bound.product.freshnessMaxAgeMs
    if (!maxAgeMs) return []
    const pipelines = catalog.watchedPipelines(bound)
    const subjectKey = scopeSubject(bound)
    let query = trx
      .selectFrom('runs')
      .select(({ fn }) => fn.max('runs.finished_at').as('last'))
      .where('runs.status', '=', 'succeeded')
      .where('runs.pipeline_id', 'in', pipelines.length > 0 ? pipelines : [''])
    if (metric !== undefined) {
      // Only runs that wrote something count: a worker that runs but writes nothing is not fresh data.
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
    if (ageMs <= maxAgeMs) return [resolve(bound, subjectKey, 'fresh data landed', now)]
    const lastWhat = metric ? `run that wrote ${metric}` : 'success'
    return [
      fire(
        bound,
        { key: subjectKey, pipelineId: bound.pipelineId },
        {
          title: `${what} is stale: ${last ? `last ${lastWhat} ${formatMs(ageMs)} ago` : 'no successful run yet'} (promise: ${formatMs(maxAgeMs)})`,
        },
        now,
      ),
    ]
  },
}
