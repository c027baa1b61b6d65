import { durationMs } from '@steward/kernel'
import type { FreshnessRule } from '@steward/pipelines/rules'
import { formatMs } from '../evaluate-finished-runs.ts'
import { connectionDown, connectionUp, lastObservations } from './table-observations.ts'
import { fire, resolve, type TimerCheckInput, type TimerOutcome } from './timer-check.ts'

/**
 * `freshness({ table })`: the newest timestamp Steward last observed in the table, against
 * `maxAge` (or the product's promise), whatever the runs did: a pipeline that keeps succeeding
 * while writing nothing goes stale here. An unreachable warehouse leaves the table's incident as
 * it is and opens its connection's instead.
 */
export async function checkTableFreshness(
  input: TimerCheckInput<FreshnessRule> & { table: string },
): Promise<TimerOutcome[]> {
  const { trx, bound, rule, now, table } = input
  const maxAgeMs = rule.maxAge !== undefined ? durationMs(rule.maxAge) : bound.product.freshnessMaxAgeMs
  if (!maxAgeMs) return []
  const subjectKey = `table:${table}`
  const [latest] = await lastObservations(trx, table, 1)
  if (latest?.unreachable) return [connectionDown(bound, latest.connection, latest.error, now)]
  const outcomes: TimerOutcome[] = latest ? [connectionUp(bound, latest.connection, now)] : []
  const since = latest?.newest_at ? new Date(latest.newest_at) : bound.product.createdAt
  const ageMs = now.getTime() - since.getTime()
  if (ageMs <= maxAgeMs)
    return [...outcomes, resolve(bound, subjectKey, 'fresh data landed in the table', now)]
  const state = latest?.error
    ? `cannot be observed: ${latest.error.slice(0, 300)}`
    : latest?.newest_at
      ? `newest row ${formatMs(ageMs)} old`
      : latest
        ? 'no rows with a timestamp'
        : 'not observed yet'
  return [
    ...outcomes,
    fire(
      bound,
      { key: subjectKey, pipelineId: bound.pipelineId },
      { title: `${table} is stale: ${state} (promise: ${formatMs(maxAgeMs)})` },
      now,
    ),
  ]
}
