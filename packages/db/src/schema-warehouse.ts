import type { Generated } from 'kysely'
import type { CreatedAt, Json, NullableJson } from './schema.ts'

/** The warehouse half of the catalog (migration 0025); `Database` extends it. */
export interface WarehouseTables {
  warehouse_connections: WarehouseConnectionsTable
  published_tables: PublishedTablesTable
  step_tables: StepTablesTable
  warehouse_queries: WarehouseQueriesTable
  table_observations: TableObservationsTable
  check_results: CheckResultsTable
}

/** A statement a step ran through `ctx.sql` (migration 0026). */
export interface WarehouseQueriesTable {
  id: Generated<string>
  run_id: string
  step_run_id: string | null
  attempt_id: string | null
  connection: string
  statement: string
  ms: number
  row_count: string | number
  failed: Generated<boolean>
  at: CreatedAt
}

/** A check's verdict: the data passed, broke it, or the check could not run (its SQL failed). */
export type CheckStatus = 'passed' | 'failed' | 'error'

/** One check of a published table, after the step that writes it (migration 0027). */
export interface CheckResultsTable {
  id: Generated<string>
  run_id: string
  step_run_id: string | null
  attempt_id: string | null
  product_id: string
  table_name: string
  check_name: string
  check_kind: string
  severity: 'warn' | 'error'
  status: CheckStatus
  failing_count: string | number | null
  /** At most 5 failing rows, personal columns left out. */
  sample: NullableJson<Record<string, unknown>[]>
  error: string | null
  duration_ms: number
  checked_at: CreatedAt
}

/** A column as observed: its name and the warehouse's type name. */
export interface ObservedColumn {
  name: string
  type: string
}

/** One observation of a published table (migration 0026). */
export interface TableObservationsTable {
  id: Generated<string>
  table_name: string
  connection: string
  observed_at: CreatedAt
  row_count: string | number | null
  row_count_estimated: Generated<boolean>
  newest_at: Date | null
  columns: NullableJson<ObservedColumn[]>
  error: string | null
  unreachable: Generated<boolean>
  run_id: string | null
}

/** What a connection's row keeps: where to find it, never a secret. */
export interface ConnectionSettings {
  /** DuckDB: the file as declared (relative to STEWARD_HOME), absent for `$STEWARD_HOME/<name>.duckdb`. */
  file?: string
  /** PostgreSQL: the NAME of the environment variable holding the URL. */
  urlEnv?: string
  /** Dollars per hour of query time, when the connection sets its own rate. */
  hourUsd?: number
}

export interface WarehouseConnectionsTable {
  name: string
  kind: 'duckdb' | 'postgres'
  settings: Json<ConnectionSettings>
  updated_at: CreatedAt
}

export interface PublishedTablesTable {
  name: string
  product_id: string
  connection: string
  timestamp_column: string | null
  partition_column: string | null
  personal: string[]
  /** The table's checks as declared in `@steward/pipelines` (`TableCheck[]`), severity filled in. */
  checks: Json<StoredCheck[]>
  source_file: string | null
  updated_at: CreatedAt
}

/** A check as stored: the declared `TableCheck` with its `name` and `severity` always present. */
export type StoredCheck = { kind: string; name: string; severity: 'warn' | 'error' } & Record<string, unknown>

export interface StepTablesTable {
  pipeline_id: string
  step_id: string
  access: 'read' | 'write'
  table_name: string
}
