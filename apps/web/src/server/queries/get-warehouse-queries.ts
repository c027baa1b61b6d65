import type { Db } from '../read-database.ts'

/** A statement a step ran through `ctx.sql`, as the run page lists it. */
export interface WarehouseQueryRow {
  id: string
  stepRunId: string | null
  attemptId: string | null
  connection: string
  statement: string
  ms: number
  rows: number
  failed: boolean
  at: Date
}

/** The run page shows at most this many statements (the first ones the run ran). */
export const warehouseQueryLimit = 200

/** A run's statements in the order they ran (index `warehouse_queries_run_idx`). */
export async function getWarehouseQueries(db: Db, runId: string): Promise<WarehouseQueryRow[]> {
  const rows = await db
    .selectFrom('warehouse_queries')
    .select(['id', 'step_run_id', 'attempt_id', 'connection', 'statement', 'ms', 'row_count', 'failed', 'at'])
    .where('run_id', '=', runId)
    .orderBy('id')
    .limit(warehouseQueryLimit)
    .execute()
  return rows.map((row) => ({
    id: String(row.id),
    stepRunId: row.step_run_id,
    attemptId: row.attempt_id,
    connection: row.connection,
    statement: row.statement,
    ms: Number(row.ms),
    rows: Number(row.row_count),
    failed: row.failed,
    at: row.at,
  }))
}
