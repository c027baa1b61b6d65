import type { CreatedAt, Json } from './schema.ts'

/** The warehouse half of the catalog (migration 0025); `Database` extends it. */
export interface WarehouseTables {
  warehouse_connections: WarehouseConnectionsTable
  published_tables: PublishedTablesTable
  step_tables: StepTablesTable
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
