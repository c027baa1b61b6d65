import type { ConnectionDecl } from '@steward/pipelines'
import { type ConnectionEnvironment, connectionTarget } from './connection-target.ts'
import { openDuckDbWarehouse } from './duckdb-warehouse.ts'
import { openPostgresWarehouse } from './postgres-warehouse.ts'
import type { WarehouseClient } from './warehouse-client.ts'

/**
 * Opens a declared connection: a pool for PostgreSQL (the URL read from the variable it names),
 * the embedded DuckDB file otherwise. Nothing connects until the first query.
 *
 * @example
 * const warehouse = openWarehouse('warehouse', { kind: 'duckdb' }, { stewardHome, variables: env })
 * const { rows } = await warehouse.query('select count(*) as n from analytics.daily_activity', [], { purpose: 'observe' })
 * await warehouse.close()
 */
export function openWarehouse(
  name: string,
  decl: ConnectionDecl,
  env: ConnectionEnvironment,
): WarehouseClient {
  const target = connectionTarget(name, decl, env)
  return target.kind === 'duckdb'
    ? openDuckDbWarehouse(name, target.file)
    : openPostgresWarehouse(name, target.url)
}
