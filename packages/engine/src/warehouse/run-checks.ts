import type { CheckStatus, StoredCheck } from '@steward/db'
import { StewardError } from '@steward/kernel'
import type { WarehouseSql } from '@steward/pipelines'
import { NonRetryableError } from '../errors.ts'
import { checkQueries, maxSampleRows, rowCountFailing } from './check-sql.ts'
import type { PublishedTableInfo } from './warehouse-catalog.ts'

/** One check's verdict on one table, as its attempt records it (`check_results`). */
export interface CheckResult {
  table: string
  name: string
  kind: string
  severity: 'warn' | 'error'
  status: CheckStatus
  /** Failing rows; null when the check could not run. */
  failingCount: number | null
  /** At most 5 failing rows, personal columns left out and values bounded; null when none. */
  sample: Record<string, unknown>[] | null
  /** Why the check could not run (`status` 'error'): the warehouse's own message. */
  error: string | null
  durationMs: number
  at: Date
}

/** Characters a sampled value keeps; columns a sampled row keeps. */
const maxValueChars = 200
const maxSampleColumns = 30

/**
 * Runs a table's checks, one after the other, on the connection `sql` (the attempt's `ctx.sql`, so
 * each statement is tagged, recorded and priced with the step's). A check whose SQL fails is an
 * `error` result carrying the warehouse's message; a warehouse that does not answer
 * (`WAREHOUSE_UNREACHABLE`) is thrown, so the step fails as retryable, as its own query would.
 */
export async function runTableChecks(sql: WarehouseSql, table: PublishedTableInfo): Promise<CheckResult[]> {
  const personal = new Set(table.personal.map((column) => column.toLowerCase()))
  const results: CheckResult[] = []
  for (const check of table.checks) {
    const at = new Date()
    const started = performance.now()
    const base = { table: table.name, name: check.name, kind: check.kind, severity: check.severity, at }
    try {
      const { failing, sample } = await runCheck(sql, check, table.name)
      results.push({
        ...base,
        status: failing > 0 ? 'failed' : 'passed',
        failingCount: failing,
        sample: failing > 0 && sample.length > 0 ? sample.map((row) => sampleRow(row, personal)) : null,
        error: null,
        durationMs: performance.now() - started,
      })
    } catch (error) {
      if (error instanceof StewardError && error.code === 'WAREHOUSE_UNREACHABLE') throw error
      results.push({
        ...base,
        status: 'error',
        failingCount: null,
        sample: null,
        error: error instanceof Error ? error.message : String(error),
        durationMs: performance.now() - started,
      })
    }
  }
  return results
}

async function runCheck(
  sql: WarehouseSql,
  check: StoredCheck,
  table: string,
): Promise<{ failing: number; sample: Record<string, unknown>[] }> {
  const queries = checkQueries(check, table, sql.kind)
  const { rows } = await sql.query<{ n: unknown }>(queries.count.text, queries.count.params)
  const count = Number(rows[0]?.n ?? 0)
  if (check.kind === 'rowCount') {
    const { min, max } = check as { min?: number; max?: number }
    const failing = rowCountFailing(
      { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) },
      count,
    )
    return { failing, sample: failing > 0 ? [{ rows: count, min: min ?? null, max: max ?? null }] : [] }
  }
  if (count === 0 || !queries.sample) return { failing: count, sample: [] }
  const sampled = await sql.query<Record<string, unknown>>(queries.sample.text, queries.sample.params)
  return { failing: count, sample: sampled.rows.slice(0, maxSampleRows) }
}

/** A failing row as kept: personal columns left out (by name, any case), values made JSON and bounded. */
function sampleRow(row: Record<string, unknown>, personal: ReadonlySet<string>): Record<string, unknown> {
  const kept: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(row)) {
    if (personal.has(column.toLowerCase())) continue
    if (Object.keys(kept).length >= maxSampleColumns) break
    kept[column.slice(0, 100)] = sampleValue(value)
  }
  return kept
}

function sampleValue(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean') return value
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
  if (typeof value === 'bigint')
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(-Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString()
  if (typeof value === 'string') return cut(value)
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString()
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`
  try {
    return cut(
      JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value),
    )
  } catch {
    return cut(String(value))
  }
}

function cut(text: string): string {
  return text.length > maxValueChars ? `${text.slice(0, maxValueChars)}…` : text
}

/**
 * The step's failure when an `error` check failed or could not run, naming each such check, its
 * table and its failing rows; undefined when none did. Not retryable: the data is what the step
 * wrote, and running the checks again finds it as it is (fix the data or the step, then retry the run).
 */
export function checksFailure(results: readonly CheckResult[]): NonRetryableError | undefined {
  const blocking = results.filter((result) => result.severity === 'error' && result.status !== 'passed')
  if (blocking.length === 0) return undefined
  const parts = blocking.map((result) =>
    result.status === 'failed'
      ? `check ${result.name} on table ${result.table} failed: ${result.failingCount} failing ${result.failingCount === 1 ? 'row' : 'rows'}`
      : `check ${result.name} on table ${result.table} could not run: ${result.error}`,
  )
  return new NonRetryableError(parts.join('; '), { code: 'CHECK_FAILED' })
}
