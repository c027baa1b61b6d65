import type {
  ConnectionSettings,
  DocLink,
  OwnerRef,
  PartitionSpec,
  StakeholderRef,
  StepSpec,
  StoredCheck,
} from '@steward/db'

/**
 * The catalog as deploy writes it: one object per row of `products` and `pipelines`, with column
 * names as in SQL and jsonb columns as plain values (deploy serialises them).
 */
export interface Catalog {
  products: CatalogProduct[]
  pipelines: CatalogPipeline[]
  /** Warehouse connections by name and kind (absent: none; `compileCatalog` always sets them). */
  connections?: CatalogConnection[]
  /** Tables products publish (absent: none). */
  tables?: CatalogTable[]
}

/** A row of `warehouse_connections`: names and kinds, never a secret. */
export interface CatalogConnection {
  name: string
  kind: 'duckdb' | 'postgres'
  settings: ConnectionSettings
}

/** A row of `published_tables`. */
export interface CatalogTable {
  name: string
  product_id: string
  connection: string
  timestamp_column: string | null
  partition_column: string | null
  personal: string[]
  checks: StoredCheck[]
  source_file: string
}

export interface CatalogProduct {
  id: string
  name: string
  description: string
  owners: OwnerRef[]
  stakeholders: StakeholderRef[]
  /** Relative to the project root. */
  docs_path: string | null
  docs_markdown: string | null
  links: DocLink[]
  tier: string | null
  tags: string[]
  freshness_max_age_seconds: number | null
  budget_monthly_usd: number | null
  alert_rules: unknown[]
  source_file: string
  /** sha256 of the canonical JSON of every column above except `source_file`. */
  definition_hash: string
}

/** A step as the runtime reads it: the `StepSpec` stored in the pipelines row. */
export type CatalogStep = StepSpec

/** A trigger with the pipeline it follows as an id. */
export type TriggerSpec =
  | { kind: 'upstream'; pipeline: string }
  | { kind: 'event'; name: string | null }
  | { kind: 'file'; inbox: string; param: string }
  | { kind: 'manual' }

export interface CatalogPipeline {
  id: string
  product_id: string
  name: string
  description: string
  schedule_cron: string | null
  schedule_timezone: string | null
  triggers: TriggerSpec[]
  /** JSON Schema of the params as callers send them. */
  params_schema: Record<string, unknown>
  steps: CatalogStep[]
  max_concurrent_runs: number | null
  alert_rules: unknown[]
  /** The partition scheme, or null for a pipeline without partitions. */
  partitions: PartitionSpec | null
  source_file: string
  /** sha256 of `definition`'s canonical JSON. */
  definition_hash: string
  /** Every column above except `source_file`: what a version is, stored in `pipeline_versions.definition`. */
  definition: Record<string, unknown>
}
