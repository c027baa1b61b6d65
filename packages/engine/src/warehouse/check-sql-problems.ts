import type { StoredCheck } from '@steward/db'
import {
  checkNameOf,
  connectionsOf,
  type DefinitionProblem,
  defaultConnectionName,
  type TableCheck,
} from '@steward/pipelines'
import type { Project } from '../loader/project.ts'
import { checkQueries, quoteName } from './check-sql.ts'
import type { ConnectionEnvironment } from './connection-target.ts'
import { openWarehouse } from './open-warehouse.ts'
import type { WarehouseClient } from './warehouse-client.ts'

/**
 * The checks whose SQL the warehouse refuses, as definition problems, asked of each connection that
 * answers before anything is deployed (`steward deploy`). Each check's statement runs under
 * `limit 0`, so the warehouse parses and plans it without reading rows. What cannot be judged is
 * left to the check's first run, which fails with the SQL's own error: a connection that does not
 * answer, and a table that does not exist yet (its pipeline has not created it).
 */
export async function checkSqlProblems(
  project: Project,
  env: ConnectionEnvironment,
): Promise<DefinitionProblem[]> {
  const connections = connectionsOf(project.config.connections)
  const problems: DefinitionProblem[] = []
  const clients = new Map<string, WarehouseClient | null>()
  try {
    for (const { definition: product, file } of project.products) {
      for (const [index, table] of (product.tables ?? []).entries()) {
        if (!table.checks?.length) continue
        const name = table.connection ?? defaultConnectionName
        const client = await answering(clients, name, connections[name], env)
        if (!client) continue
        if (!(await runs(client, `select * from ${quoteName(table.name, client.kind, 'table')}`, [])))
          continue
        for (const [checkIndex, check] of table.checks.entries()) {
          const stored = { ...check, name: checkNameOf(check), severity: check.severity ?? 'error' }
          const { count } = checkQueries(stored as unknown as StoredCheck, table.name, client.kind)
          const refused = await refusal(client, count.text, count.params)
          if (refused === undefined) continue
          problems.push({
            file,
            definition: `product ${product.id}`,
            field: `tables[${index}].checks[${checkIndex}]`,
            message: `check ${checkNameOf(check as TableCheck)} on ${table.name} does not run on connection "${name}": ${refused}`,
          })
        }
      }
    }
  } finally {
    await Promise.all([...clients.values()].map((client) => client?.close()))
  }
  return problems
}

/** The connection, opened once, when it answers; null when it does not (or cannot be opened). */
async function answering(
  clients: Map<string, WarehouseClient | null>,
  name: string,
  decl: Parameters<typeof openWarehouse>[1] | undefined,
  env: ConnectionEnvironment,
): Promise<WarehouseClient | null> {
  if (clients.has(name)) return clients.get(name) ?? null
  let client: WarehouseClient | null = null
  if (decl) {
    try {
      client = openWarehouse(name, decl, env)
      await client.query('select 1', [], { purpose: 'validate' })
    } catch {
      await client?.close()
      client = null
    }
  }
  clients.set(name, client)
  return client
}

async function runs(client: WarehouseClient, text: string, params: readonly unknown[]): Promise<boolean> {
  return (await refusal(client, text, params)) === undefined
}

/** The warehouse's message when it refuses the statement (planned under `limit 0`), else undefined. */
async function refusal(
  client: WarehouseClient,
  text: string,
  params: readonly unknown[],
): Promise<string | undefined> {
  try {
    await client.query(
      `select * from (\n${text}\n) as probe limit 0`,
      params as Parameters<WarehouseClient['query']>[1],
      { purpose: 'validate' },
    )
    return undefined
  } catch (error) {
    // The warehouse's own words (the cause), on one line: the wrapper's statement is ours, not the check's.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
    const message = cause instanceof Error ? cause.message : String(cause)
    return message.replace(/\s+/g, ' ').trim().slice(0, 500)
  }
}
