import { json, type StewardDb } from '@steward/db'
import type { Catalog } from './catalog.ts'

type Db = StewardDb['db']

/**
 * Writes the warehouse half of a catalog inside deploy's transaction (the caller holds the deploy
 * lock): connections and published tables are upserted by name and those gone from code deleted;
 * step reads and writes are rewritten whole (a few rows per step). Observations and check results
 * are keyed by table name elsewhere and outlive a table's row.
 */
export async function deployWarehouse(trx: Db, catalog: Catalog): Promise<void> {
  const connections = catalog.connections ?? []
  const tables = catalog.tables ?? []

  const connectionNames = connections.map((c) => c.name)
  await trx
    .deleteFrom('warehouse_connections')
    .$if(connectionNames.length > 0, (q) => q.where('name', 'not in', connectionNames))
    .execute()
  if (connections.length > 0) {
    await trx
      .insertInto('warehouse_connections')
      .values(connections.map((c) => ({ name: c.name, kind: c.kind, settings: json(c.settings) })))
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          settings: eb.ref('excluded.settings'),
          updated_at: eb.fn('now'),
        })),
      )
      .execute()
  }

  const tableNames = tables.map((t) => t.name)
  await trx
    .deleteFrom('published_tables')
    .$if(tableNames.length > 0, (q) => q.where('name', 'not in', tableNames))
    .execute()
  if (tables.length > 0) {
    await trx
      .insertInto('published_tables')
      .values(
        tables.map((t) => ({
          name: t.name,
          product_id: t.product_id,
          connection: t.connection,
          timestamp_column: t.timestamp_column,
          partition_column: t.partition_column,
          personal: t.personal,
          checks: json(t.checks),
          source_file: t.source_file,
        })),
      )
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          product_id: eb.ref('excluded.product_id'),
          connection: eb.ref('excluded.connection'),
          timestamp_column: eb.ref('excluded.timestamp_column'),
          partition_column: eb.ref('excluded.partition_column'),
          personal: eb.ref('excluded.personal'),
          checks: eb.ref('excluded.checks'),
          source_file: eb.ref('excluded.source_file'),
          updated_at: eb.fn('now'),
        })),
      )
      .execute()
  }

  const access = catalog.pipelines.flatMap((pipeline) =>
    pipeline.steps.flatMap((step) => [
      ...[...new Set(step.reads ?? [])].map((table) => ({
        pipeline_id: pipeline.id,
        step_id: step.id,
        access: 'read' as const,
        table_name: table,
      })),
      ...[...new Set(step.writes ?? [])].map((table) => ({
        pipeline_id: pipeline.id,
        step_id: step.id,
        access: 'write' as const,
        table_name: table,
      })),
    ]),
  )
  await trx.deleteFrom('step_tables').execute()
  if (access.length > 0) await trx.insertInto('step_tables').values(access).execute()
}
