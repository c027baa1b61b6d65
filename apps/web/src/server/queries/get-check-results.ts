import type { CheckStatus } from '@steward/db'
import type { Db } from '../read-database.ts'

/** One check's result, as the run and product pages list it. */
export interface CheckResultRow {
  id: string
  runId: string
  stepRunId: string | null
  table: string
  check: string
  kind: string
  severity: 'warn' | 'error'
  status: CheckStatus
  failingCount: number | null
  /** At most 5 failing rows, personal columns already left out by the worker. */
  sample: Record<string, unknown>[] | null
  error: string | null
  durationMs: number
  checkedAt: Date
}

/** A page lists at most this many results. */
export const checkResultLimit = 200

const columns = [
  'id',
  'run_id',
  'step_run_id',
  'table_name',
  'check_name',
  'check_kind',
  'severity',
  'status',
  'failing_count',
  'sample',
  'error',
  'duration_ms',
  'checked_at',
] as const

/** A run's check results in the order they ran (index `check_results_run_idx`). */
export async function getRunCheckResults(db: Db, runId: string): Promise<CheckResultRow[]> {
  const rows = await db
    .selectFrom('check_results')
    .select(columns)
    .where('run_id', '=', runId)
    .orderBy('id')
    .limit(checkResultLimit)
    .execute()
  return rows.map(toRow)
}

/**
 * A product's latest result of each check (by table and check name), newest first: the last
 * week's results (index `check_results_product_idx`), so a check not run lately drops out.
 */
export async function getProductCheckResults(
  db: Db,
  productId: string,
  now = new Date(),
): Promise<CheckResultRow[]> {
  const rows = await db
    .selectFrom('check_results')
    .select(columns)
    .where('product_id', '=', productId)
    .where('checked_at', '>', new Date(now.getTime() - 7 * 86_400_000))
    .orderBy('checked_at', 'desc')
    .orderBy('id', 'desc')
    .limit(2_000)
    .execute()
  const latest = new Map<string, CheckResultRow>()
  for (const row of rows) {
    const key = `${row.table_name}\u0000${row.check_name}`
    if (!latest.has(key)) latest.set(key, toRow(row))
  }
  return [...latest.values()].slice(0, checkResultLimit)
}

function toRow(row: {
  id: string
  run_id: string
  step_run_id: string | null
  table_name: string
  check_name: string
  check_kind: string
  severity: 'warn' | 'error'
  status: CheckStatus
  failing_count: string | number | null
  sample: Record<string, unknown>[] | null
  error: string | null
  duration_ms: number
  checked_at: Date
}): CheckResultRow {
  return {
    id: String(row.id),
    runId: row.run_id,
    stepRunId: row.step_run_id,
    table: row.table_name,
    check: row.check_name,
    kind: row.check_kind,
    severity: row.severity,
    status: row.status,
    failingCount: row.failing_count === null ? null : Number(row.failing_count),
    sample: row.sample,
    error: row.error,
    durationMs: Number(row.duration_ms),
    checkedAt: row.checked_at,
  }
}
