import path from 'node:path'
import { StewardError } from '@steward/kernel'
import type { ConnectionDecl } from '@steward/pipelines'
import type { WarehouseErrorCode } from './warehouse-client.ts'

/** Where a connection leads, resolved in the process that opens it. `url` holds a secret: never log it. */
export type ConnectionTarget = { kind: 'duckdb'; file: string } | { kind: 'postgres'; url: string }

export interface ConnectionEnvironment {
  /** The folder of Steward's local state: DuckDB files are relative to it. */
  stewardHome: string
  /** The environment variables a PostgreSQL connection's `urlEnv` is looked up in (from an env.ts). */
  variables: Readonly<Record<string, string | undefined>>
}

/**
 * Resolves a declared connection: a DuckDB file under STEWARD_HOME (`<name>.duckdb` by default,
 * relative paths against STEWARD_HOME), or a PostgreSQL URL read from the variable the
 * declaration names. A missing variable is a one-line error naming the variable, not its value.
 */
export function connectionTarget(
  name: string,
  decl: ConnectionDecl,
  env: ConnectionEnvironment,
): ConnectionTarget {
  if (decl.kind === 'duckdb') {
    const file = decl.file ?? `${name}.duckdb`
    return { kind: 'duckdb', file: path.resolve(env.stewardHome, file) }
  }
  const url = env.variables[decl.urlEnv]
  if (url === undefined || url.trim() === '') {
    throw new StewardError<WarehouseErrorCode>(
      'WAREHOUSE_NOT_CONFIGURED',
      `connection "${name}": the environment variable ${decl.urlEnv} is not set; set it to the PostgreSQL URL of the warehouse`,
    )
  }
  return { kind: 'postgres', url }
}
