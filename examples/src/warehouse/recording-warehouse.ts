import type { SqlParam, SqlResult, WarehouseSql } from '@steward/pipelines'

/** A statement a step ran on the stand-in. */
export interface RecordedStatement {
  text: string
  params: readonly SqlParam[]
}

/**
 * A `WarehouseSql` stand-in for step tests (`runStep(…, { sql: { warehouse } })`): it records every
 * statement and answers each with `answer` (default: no rows; inserts and deletes report as many
 * rows changed as the statement has value tuples, 0 for a delete).
 *
 * @example
 * const warehouse = recordingWarehouse()
 * await runStep(appActivityDaily, 'publish', { sql: { warehouse }, … })
 * warehouse.statements.filter((s) => s.text.startsWith('insert'))
 */
export function recordingWarehouse(
  answer: (statement: RecordedStatement) => SqlResult<Record<string, unknown>> | undefined = () => undefined,
): WarehouseSql & { statements: RecordedStatement[] } {
  const statements: RecordedStatement[] = []
  return {
    connection: 'warehouse',
    kind: 'duckdb',
    statements,
    async query<T>(text: string, params: readonly SqlParam[] = []): Promise<SqlResult<T>> {
      const statement = { text, params }
      statements.push(statement)
      const given = answer(statement)
      if (given) return given as SqlResult<T>
      const tuples = /^insert\b/i.test(text) ? (text.match(/\(\$\d+/g) ?? []).length : 0
      return { rows: [], rowCount: tuples }
    },
  }
}
