import { z } from 'zod'
import { text } from './option-schemas.ts'

/**
 * Warehouses as definitions see them: named connections (in steward.config.ts), the tables a
 * product publishes on them with the checks those tables carry, and the SQL interface a step gets
 * from `ctx.sql(connection)`. Inert data and types only: the engine opens the connections.
 */

/** `ctx.sql` asked for a connection the context cannot give. */
export type WarehouseErrorCode = 'NO_WAREHOUSE'

/** The name of the connection used where none is named, and of the embedded DuckDB default. */
export const defaultConnectionName = 'warehouse'

/**
 * An embedded DuckDB database file. `file` is relative to `STEWARD_HOME` (absolute paths are kept);
 * without it the file is `$STEWARD_HOME/<connection name>.duckdb`, so the default connection is
 * `$STEWARD_HOME/warehouse.duckdb`.
 */
export interface DuckDbConnection {
  kind: 'duckdb'
  file?: string
  /** US dollars per hour of query time on this connection; overrides `costs.warehouseHourUsd`. */
  hourUsd?: number
}

/**
 * A PostgreSQL database. Its URL (with the password) is read from the environment variable named
 * `urlEnv` by the process that connects: a secret never appears in code or in the catalog.
 */
export interface PostgresConnection {
  kind: 'postgres'
  /** The NAME of the environment variable holding the URL, e.g. `'WAREHOUSE_URL'`. */
  urlEnv: string
  /** US dollars per hour of query time on this connection; overrides `costs.warehouseHourUsd`. */
  hourUsd?: number
}

export type ConnectionDecl = DuckDbConnection | PostgresConnection
export type ConnectionKind = ConnectionDecl['kind']

/**
 * The connections a project uses when its config declares none: one embedded DuckDB database
 * named `warehouse`, so a new project needs no warehouse to run.
 */
export function defaultConnections(): Record<string, ConnectionDecl> {
  return { [defaultConnectionName]: { kind: 'duckdb' } }
}

/** The declared connections, or the embedded default when there are none. */
export function connectionsOf(
  declared: Readonly<Record<string, ConnectionDecl>> | undefined,
): Record<string, ConnectionDecl> {
  return declared && Object.keys(declared).length > 0 ? { ...declared } : defaultConnections()
}

// Checks ---------------------------------------------------------------------------------------

/** `error` fails the run before anything downstream reads the table; `warn` only reports. */
export type CheckSeverity = 'warn' | 'error'

interface CheckBase {
  /** Shown with results and alerts; defaults to a name made from the check (`not_null(user_id)`). */
  name?: string
  /** Default `error`. */
  severity?: CheckSeverity
}

/** No row has `column` null. */
export interface NotNullCheck extends CheckBase {
  kind: 'notNull'
  column: string
}

/** No two rows share the values of `columns` (one column or a combination). */
export interface UniqueCheck extends CheckBase {
  kind: 'unique'
  columns: readonly string[]
}

/** Every non-null value of `column` is one of `values`. */
export interface AcceptedValuesCheck extends CheckBase {
  kind: 'acceptedValues'
  column: string
  values: readonly (string | number | boolean)[]
}

/** The table holds between `min` and `max` rows (either may be left out, not both). */
export interface RowCountCheck extends CheckBase {
  kind: 'rowCount'
  min?: number
  max?: number
}

/** Every non-null `column` value is found in `to.column` of the table `to.table` (on the same connection). */
export interface RelationshipCheck extends CheckBase {
  kind: 'relationship'
  column: string
  to: { table: string; column: string }
}

/** A query returning the failing rows: no row means the check passes. */
export interface SqlCheck extends CheckBase {
  kind: 'sql'
  name: string
  sql: string
}

export type TableCheck =
  | NotNullCheck
  | UniqueCheck
  | AcceptedValuesCheck
  | RowCountCheck
  | RelationshipCheck
  | SqlCheck

export type TableCheckKind = TableCheck['kind']

// Tables ---------------------------------------------------------------------------------------

/** A table (or view) a product publishes: what its users read, and what Steward watches. */
export interface TableDecl {
  /** `schema.table` or `table`, as queries name it; unique across the project. */
  name: string
  /** A connection of steward.config.ts; default `warehouse`. */
  connection?: string
  /** A timestamp column whose newest value says how fresh the table is. */
  timestampColumn?: string
  /** The column holding the pipeline's partition key, when the table is partitioned by run. */
  partitionColumn?: string
  /** Columns holding personal data: never sampled into check results or shown. */
  personal?: readonly string[]
  checks?: readonly TableCheck[]
}

// The SQL a step runs -------------------------------------------------------------------------

/** A parameter value; `$1`, `$2`… (PostgreSQL) or `?`/`$1` (DuckDB) in the text. */
export type SqlParam = string | number | bigint | boolean | Date | null

export interface SqlResult<T> {
  rows: T[]
  /** Rows returned, or changed by an insert, update or delete. */
  rowCount: number
}

/**
 * A warehouse connection as a step uses it: parameterised statements only, so data never becomes
 * SQL. Each statement is tagged with the run and step, timed and counted on the attempt.
 *
 * @example
 * const sql = ctx.sql('warehouse')
 * const { rows } = await sql.query<{ n: number }>('select count(*) as n from analytics.events where day = $1', [day])
 */
export interface WarehouseSql {
  /** The connection's name and kind. */
  readonly connection: string
  readonly kind: ConnectionKind
  query<T = Record<string, unknown>>(text: string, params?: readonly SqlParam[]): Promise<SqlResult<T>>
}

// Schemas --------------------------------------------------------------------------------------

/** Connection names: lowercase, as they are written in `ctx.sql('…')` and `connection: '…'`. */
export const connectionNamePattern = /^[a-z][a-z0-9_-]*$/

/** Unquoted SQL identifiers, optionally `schema.`-qualified (no quoting: names are SQL as written). */
export const tableNamePattern = /^[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$/
export const columnNamePattern = /^[A-Za-z_][A-Za-z0-9_$]*$/

const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/

export const tableName = () =>
  text('a table name, e.g. "analytics.daily_activity"').regex(tableNamePattern, {
    error: (issue) =>
      `"${String(issue.input)}" is not a table name: use [schema.]table of letters, digits and "_", e.g. "analytics.daily_activity"`,
  })

const columnName = () =>
  text('a column name, e.g. "user_id"').regex(columnNamePattern, {
    error: (issue) =>
      `"${String(issue.input)}" is not a column name: use letters, digits and "_", e.g. "user_id"`,
  })

const hourUsd = z
  .number({ error: 'must be a number of US dollars per hour' })
  .nonnegative({ error: 'must be 0 or more' })

/** Never echoes the value: someone may have pasted the URL itself, password included. */
const envName = () =>
  z
    .string({ error: 'must be the NAME of an environment variable holding the URL, e.g. "WAREHOUSE_URL"' })
    .regex(envNamePattern, {
      error:
        'must be the NAME of an environment variable holding the URL, e.g. "WAREHOUSE_URL" (never the URL itself: secrets stay out of code)',
    })

export const connectionSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('duckdb'),
      file: text('a file path, e.g. "warehouse.duckdb"').min(1, { error: 'must not be empty' }).optional(),
      hourUsd: hourUsd.optional(),
    }),
    z.strictObject({ kind: z.literal('postgres'), urlEnv: envName(), hourUsd: hourUsd.optional() }),
  ],
  { error: 'must be { kind: "duckdb", file? } or { kind: "postgres", urlEnv: "WAREHOUSE_URL" }' },
)

export const connectionsSchema = z.record(z.string(), connectionSchema).superRefine((connections, ctx) => {
  for (const name of Object.keys(connections)) {
    if (!connectionNamePattern.test(name))
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `"${name}" is not a connection name: use lowercase letters, digits, "_" and "-", e.g. "warehouse"`,
      })
  }
})

const severity = z.enum(['warn', 'error'], { error: 'must be "warn" or "error"' }).optional()
const checkName = text('a name for the check').trim().min(1, { error: 'must not be empty' }).max(200, {
  error: 'must be at most 200 characters',
})
const base = { name: checkName.optional(), severity }

export const tableCheckSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ ...base, kind: z.literal('notNull'), column: columnName() }),
    z.strictObject({
      ...base,
      kind: z.literal('unique'),
      columns: z
        .array(columnName(), { error: 'must list the columns, e.g. ["user_id", "day"]' })
        .min(1, { error: 'must name at least one column' }),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('acceptedValues'),
      column: columnName(),
      values: z
        .array(z.union([z.string(), z.number(), z.boolean()]), {
          error: 'must list the accepted values (strings, numbers or booleans)',
        })
        .min(1, { error: 'must list at least one value' }),
    }),
    z
      .strictObject({
        ...base,
        kind: z.literal('rowCount'),
        min: z.number({ error: 'must be a number of rows' }).int().nonnegative().optional(),
        max: z.number({ error: 'must be a number of rows' }).int().nonnegative().optional(),
      })
      .refine((check) => check.min !== undefined || check.max !== undefined, {
        error: 'needs min, max or both',
      })
      .refine((check) => check.min === undefined || check.max === undefined || check.min <= check.max, {
        error: 'min must not be more than max',
      }),
    z.strictObject({
      ...base,
      kind: z.literal('relationship'),
      column: columnName(),
      to: z.strictObject({ table: tableName(), column: columnName() }),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('sql'),
      name: checkName,
      sql: text('a query returning the failing rows').trim().min(1, { error: 'must not be empty' }),
    }),
  ],
  {
    error:
      'must be a check: { kind: "notNull" | "unique" | "acceptedValues" | "rowCount" | "relationship" | "sql", … }',
  },
)

export const tableSchema = z.strictObject({
  name: tableName(),
  connection: z.string({ error: 'must name a connection of steward.config.ts, e.g. "warehouse"' }).optional(),
  timestampColumn: columnName().optional(),
  partitionColumn: columnName().optional(),
  personal: z.array(columnName(), { error: 'must list column names, e.g. ["user_id"]' }).optional(),
  checks: z.array(tableCheckSchema, { error: 'must be a list of checks' }).optional(),
})

/** Table names a step reads or writes. */
export const tableList = () =>
  z.array(tableName(), { error: 'must be a list of table names, e.g. ["analytics.daily_activity"]' })

/** The check's name where none is given: kind and columns, e.g. `not_null(user_id)`. */
export function checkNameOf(check: TableCheck): string {
  if (check.name) return check.name
  switch (check.kind) {
    case 'notNull':
      return `not_null(${check.column})`
    case 'unique':
      return `unique(${check.columns.join(', ')})`
    case 'acceptedValues':
      return `accepted_values(${check.column})`
    case 'rowCount':
      return `row_count(${check.min ?? ''}..${check.max ?? ''})`
    case 'relationship':
      return `relationship(${check.column} → ${check.to.table}.${check.to.column})`
    case 'sql':
      return check.name
  }
}
