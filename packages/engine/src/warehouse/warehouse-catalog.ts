import type { StewardDb, StoredCheck } from '@steward/db'
import type { ConnectionDecl } from '@steward/pipelines'

type Db = StewardDb['db']

/** A table a product publishes, as deploy stored it. */
export interface PublishedTableInfo {
  name: string
  productId: string
  connection: string
  timestampColumn: string | null
  partitionColumn: string | null
  personal: string[]
  checks: StoredCheck[]
}

/** One declared read or write of a step. */
export interface StepTableAccess {
  pipelineId: string
  stepId: string
  access: 'read' | 'write'
  table: string
}

/**
 * The deployed connections as declarations, by name: what a process needs to open them without
 * the project's code (the observer, the web). Secrets stay in the environment: a PostgreSQL
 * connection carries the NAME of its URL's variable.
 */
export async function readConnections(db: Db): Promise<Map<string, ConnectionDecl>> {
  const rows = await db.selectFrom('warehouse_connections').select(['name', 'kind', 'settings']).execute()
  return new Map(
    rows.map((row) => {
      const { file, urlEnv, hourUsd } = row.settings
      const rate = hourUsd === undefined ? {} : { hourUsd }
      const decl: ConnectionDecl =
        row.kind === 'postgres'
          ? { kind: 'postgres', urlEnv: urlEnv ?? '', ...rate }
          : { kind: 'duckdb', ...(file === undefined ? {} : { file }), ...rate }
      return [row.name, decl]
    }),
  )
}

/** Published tables, all or one product's, by name. */
export async function readPublishedTables(
  db: Db,
  filter: { productId?: string; names?: readonly string[] } = {},
): Promise<PublishedTableInfo[]> {
  if (filter.names?.length === 0) return []
  const rows = await db
    .selectFrom('published_tables')
    .select([
      'name',
      'product_id',
      'connection',
      'timestamp_column',
      'partition_column',
      'personal',
      'checks',
    ])
    .$if(filter.productId !== undefined, (q) => q.where('product_id', '=', filter.productId ?? ''))
    .$if(filter.names !== undefined, (q) => q.where('name', 'in', [...(filter.names ?? [])]))
    .orderBy('name')
    .execute()
  return rows.map((row) => ({
    name: row.name,
    productId: row.product_id,
    connection: row.connection,
    timestampColumn: row.timestamp_column,
    partitionColumn: row.partition_column,
    personal: row.personal,
    checks: row.checks,
  }))
}

/** Declared reads and writes, of one pipeline, of one table, or all. */
export async function readStepTables(
  db: Db,
  filter: { pipelineId?: string; table?: string } = {},
): Promise<StepTableAccess[]> {
  const rows = await db
    .selectFrom('step_tables')
    .select(['pipeline_id', 'step_id', 'access', 'table_name'])
    .$if(filter.pipelineId !== undefined, (q) => q.where('pipeline_id', '=', filter.pipelineId ?? ''))
    .$if(filter.table !== undefined, (q) => q.where('table_name', '=', filter.table ?? ''))
    .orderBy('pipeline_id')
    .orderBy('step_id')
    .orderBy('access')
    .orderBy('table_name')
    .execute()
  return rows.map((row) => ({
    pipelineId: row.pipeline_id,
    stepId: row.step_id,
    access: row.access,
    table: row.table_name,
  }))
}
