import type { VolumeRule } from '@steward/pipelines/rules'
import { connectionDown, connectionUp, lastObservations } from './table-observations.ts'
import { fire, resolve, type TimerCheckInput, type TimerOutcome } from './timer-check.ts'

/**
 * `volume({ table })`: the row count Steward last observed in the table (PostgreSQL's estimate for
 * large tables) against fixed `below` / `above` bounds; seasonal bounds are for metrics and are
 * refused by validation here. An unreachable warehouse opens its connection's incident instead.
 */
export async function checkTableVolume(
  input: TimerCheckInput<VolumeRule> & { table: string },
): Promise<TimerOutcome[]> {
  const { trx, bound, rule, now, table } = input
  const [latest] = await lastObservations(trx, table, 1)
  if (!latest) return []
  if (latest.unreachable) return [connectionDown(bound, latest.connection, latest.error, now)]
  const outcomes: TimerOutcome[] = [connectionUp(bound, latest.connection, now)]
  if (latest.row_count === null) return outcomes
  const rows = Number(latest.row_count)
  const subjectKey = `table:${table}/rows`
  const breaches = [
    typeof rule.below === 'number' && rows < rule.below
      ? `below ${rule.below.toLocaleString('en-US')}`
      : undefined,
    typeof rule.above === 'number' && rows > rule.above
      ? `above ${rule.above.toLocaleString('en-US')}`
      : undefined,
  ].filter((breach) => breach !== undefined)
  if (breaches.length === 0)
    return [...outcomes, resolve(bound, subjectKey, 'the row count is back within bounds', now)]
  return [
    ...outcomes,
    fire(
      bound,
      { key: subjectKey, pipelineId: bound.pipelineId },
      { title: `${table} holds ${rows.toLocaleString('en-US')} rows, ${breaches.join(' and ')}` },
      now,
    ),
  ]
}
