import type { ObservedColumn } from '@steward/db'
import type { SchemaChangeRule } from '@steward/pipelines/rules'
import { connectionDown, connectionUp, lastObservations } from './table-observations.ts'
import { fire, resolve, type TimerCheck, type TimerOutcome } from './timer-check.ts'

/**
 * `schemaChange({ table })`: compares the table's last two readable observations. A dropped
 * column or a changed type opens the incident (added columns do not). It resolves once none of
 * the last 20 readable observations has a column the current one lost or retyped: the column is
 * back, or the change has settled (people may resolve it sooner).
 */
export const schemaChangeCheck: TimerCheck<SchemaChangeRule> = {
  async evaluate({ trx, bound, rule, now }) {
    const observations = await lastObservations(trx, rule.table, 20)
    const latest = observations[0]
    if (!latest) return []
    if (latest.unreachable) return [connectionDown(bound, latest.connection, latest.error, now)]
    const outcomes: TimerOutcome[] = [connectionUp(bound, latest.connection, now)]
    const readable = observations.filter((o) => o.columns !== null)
    const [current, previous] = readable
    if (!current?.columns || !previous?.columns) return outcomes
    const subjectKey = `table:${rule.table}`
    const changes = columnChanges(previous.columns, current.columns)
    if (changes.length === 0) {
      // Back to the columns from before the last change seen: the change was undone.
      const before = readable.find(
        (o) => o.columns && columnChanges(o.columns, current.columns ?? []).length > 0,
      )
      return before ? outcomes : [...outcomes, resolve(bound, subjectKey, 'the columns are as before', now)]
    }
    return [
      ...outcomes,
      fire(
        bound,
        { key: subjectKey, pipelineId: bound.pipelineId },
        { title: `${rule.table} changed: ${changes.join('; ').slice(0, 500)}` },
        now,
      ),
    ]
  },
}

/** Dropped and retyped columns from `before` to `after`, in words. */
export function columnChanges(before: readonly ObservedColumn[], after: readonly ObservedColumn[]): string[] {
  const now = new Map(after.map((column) => [column.name, column.type]))
  return before.flatMap((column) => {
    const type = now.get(column.name)
    if (type === undefined) return [`column ${column.name} dropped`]
    if (type !== column.type) return [`column ${column.name} changed from ${column.type} to ${type}`]
    return []
  })
}
