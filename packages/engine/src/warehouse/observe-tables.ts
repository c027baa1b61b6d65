import type { ObservedColumn } from '@steward/db'
import { isStewardError, postgresText } from '@steward/kernel'
import type { ConnectionDecl } from '@steward/pipelines'
import { sql } from 'kysely'
import type { Db } from '../store/db.ts'
import { type PublishedTableInfo, readConnections, readPublishedTables } from './warehouse-catalog.ts'
import type { WarehouseClient } from './warehouse-client.ts'
import type { WarehousePools } from './warehouse-pools.ts'

/** How often each process's observer passes over the published tables, by default: 5 minutes. */
export const observeEveryMs = 300_000

/** Past this many rows (PostgreSQL's own estimate) a table's count is the estimate, not `count(*)`. */
export const estimateAboveRows = 1_000_000

/** One observation, as stored in `table_observations`. */
export interface TableObservation {
  table: string
  connection: string
  rowCount: number | null
  rowCountEstimated: boolean
  newestAt: Date | null
  columns: ObservedColumn[] | null
  error: string | null
  unreachable: boolean
}

export interface ObserveOptions {
  /** Only these tables (after a run that wrote them); default every published table. */
  tables?: readonly string[]
  /** The run whose end asked for it. */
  runId?: string
  /** Only tables whose last observation is older than this (the timer's pass); default: all. */
  olderThanMs?: number
  /** PostgreSQL tables past this many rows (by `reltuples`) are counted by estimate. Default `estimateAboveRows`. */
  estimateAbove?: number
}

/**
 * Observes published tables where they land and appends one row per table to
 * `table_observations`: row count (PostgreSQL's `reltuples` estimate past `estimateAboveRows`),
 * the newest value of the timestamp column, the columns and their types. A connection that does
 * not answer is probed once: each of its tables gets an `unreachable` row without more tries, so
 * alerts open one incident for the connection, not one per table. Never throws for the
 * warehouse's sake; table names are identifiers checked at validation, so they are SQL as written.
 */
export async function observeTables(
  db: Db,
  pools: WarehousePools,
  options: ObserveOptions = {},
): Promise<TableObservation[]> {
  let tables = await readPublishedTables(db, options.tables ? { names: options.tables } : {})
  if (options.olderThanMs !== undefined && tables.length > 0)
    tables = await due(db, tables, options.olderThanMs)
  if (tables.length === 0) return []
  const connections = await readConnections(db)
  const byConnection = new Map<string, PublishedTableInfo[]>()
  for (const table of tables)
    byConnection.set(table.connection, [...(byConnection.get(table.connection) ?? []), table])

  const observations: TableObservation[] = []
  for (const [connection, list] of byConnection) {
    observations.push(
      ...(await observeConnection(
        pools,
        connection,
        connections.get(connection),
        list,
        options.estimateAbove ?? estimateAboveRows,
      )),
    )
  }
  await db
    .insertInto('table_observations')
    .values(
      observations.map((o) => ({
        table_name: o.table,
        connection: o.connection,
        row_count: o.rowCount,
        row_count_estimated: o.rowCountEstimated,
        newest_at: o.newestAt,
        columns:
          o.columns === null
            ? null
            : JSON.stringify(
                o.columns.map((c) => ({ name: postgresText(c.name), type: postgresText(c.type) })),
              ),
        error: o.error === null ? null : postgresText(o.error.slice(0, 1_000)),
        unreachable: o.unreachable,
        run_id: options.runId ?? null,
      })),
    )
    .execute()
  return observations
}

/** The tables whose last observation is older than `ms` (or that have none). */
async function due(db: Db, tables: PublishedTableInfo[], ms: number): Promise<PublishedTableInfo[]> {
  const recent = await db
    .selectFrom('table_observations')
    .select('table_name')
    .distinct()
    .where(
      'table_name',
      'in',
      tables.map((t) => t.name),
    )
    .where('observed_at', '>', sql<Date>`now() - make_interval(secs => ${ms / 1000})`)
    .execute()
  const fresh = new Set(recent.map((row) => row.table_name))
  return tables.filter((table) => !fresh.has(table.name))
}

async function observeConnection(
  pools: WarehousePools,
  connection: string,
  decl: ConnectionDecl | undefined,
  tables: PublishedTableInfo[],
  estimateAbove: number,
): Promise<TableObservation[]> {
  const failed = (error: unknown, unreachable: boolean) =>
    tables.map((table) => emptyObservation(table, error, unreachable))
  let client: WarehouseClient
  try {
    client = pools.get(connection, decl)
    await client.query('select 1', [], { purpose: 'observe' })
  } catch (error) {
    return failed(error, true)
  }
  const observed: TableObservation[] = []
  for (const table of tables) {
    try {
      observed.push(await observeTable(client, table, estimateAbove))
    } catch (error) {
      const unreachable = isStewardError(error) && error.code === 'WAREHOUSE_UNREACHABLE'
      observed.push(emptyObservation(table, error, unreachable))
    }
  }
  return observed
}

function emptyObservation(table: PublishedTableInfo, error: unknown, unreachable: boolean): TableObservation {
  return {
    table: table.name,
    connection: table.connection,
    rowCount: null,
    rowCountEstimated: false,
    newestAt: null,
    columns: null,
    error: error instanceof Error ? error.message : String(error),
    unreachable,
  }
}

async function observeTable(
  client: WarehouseClient,
  table: PublishedTableInfo,
  estimateAbove: number,
): Promise<TableObservation> {
  const tag = { purpose: 'observe' }
  const [schema, name] = table.name.includes('.') ? splitName(table.name) : [null, table.name]
  const { rows: columns } = await client.query<{ name: string; type: string }>(
    `select column_name as name, data_type as type from information_schema.columns
     where table_name = $1 and table_schema = coalesce($2, current_schema()) order by ordinal_position`,
    [name, schema],
    tag,
  )
  if (columns.length === 0)
    throw new Error(`table ${table.name} does not exist on connection "${table.connection}"`)

  let rowCount: number | null = null
  let estimated = false
  if (client.kind === 'postgres') {
    const { rows } = await client.query<{ estimate: number | null }>(
      'select reltuples::float8 as estimate from pg_class where oid = to_regclass($1)',
      [table.name],
      tag,
    )
    const estimate = rows[0]?.estimate ?? null
    if (estimate !== null && estimate >= estimateAbove) {
      rowCount = Math.round(estimate)
      estimated = true
    }
  }
  if (!estimated) {
    const { rows } = await client.query<{ n: number | bigint | string }>(
      `select count(*) as n from ${table.name}`,
      [],
      tag,
    )
    rowCount = Number(rows[0]?.n ?? 0)
  }

  let newestAt: Date | null = null
  if (table.timestampColumn) {
    const { rows } = await client.query<{ newest: Date | string | null }>(
      `select max(${table.timestampColumn})::timestamptz as newest from ${table.name}`,
      [],
      tag,
    )
    const newest = rows[0]?.newest ?? null
    newestAt = newest === null ? null : new Date(newest)
  }
  return {
    table: table.name,
    connection: table.connection,
    rowCount,
    rowCountEstimated: estimated,
    newestAt,
    columns,
    error: null,
    unreachable: false,
  }
}

/** `schema.table` → [schema, table]; `db.schema.table` → [schema, table] (the catalog is the connection's). */
function splitName(name: string): [string, string] {
  const parts = name.split('.')
  return [parts.at(-2) ?? '', parts.at(-1) ?? '']
}

/** Deletes up to 10,000 observations older than `keepDays`; any process may, at any time. */
export async function pruneObservations(db: Db, keepDays: number): Promise<number> {
  const result = await db
    .deleteFrom('table_observations')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('table_observations')
        .select('id')
        .where('observed_at', '<', sql<Date>`now() - make_interval(days => ${keepDays})`)
        .limit(10_000),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export interface TableObserver {
  /** Observes the tables the given runs' pipelines write (after their end committed). */
  afterRuns(runIds: readonly string[]): void
  /** Stops the timer and waits for the pass in flight. */
  close(): Promise<void>
}

/**
 * Observes every published table on a timer (`everyMs`, default 5 min: a table observed within
 * half of it by any process is skipped, so peers share the work, though two passes at the same
 * moment may both observe a table) and the tables a run wrote as soon as its end commits; each
 * pass also deletes observations past `keepDays`. Errors go to `onError`; the timer keeps going.
 */
export function startTableObserver(options: {
  db: Db
  pools: WarehousePools
  everyMs?: number
  /** Observations older than this are deleted, a batch per pass. Default 90 days. */
  keepDays?: number
  onError?: (error: unknown) => void
}): TableObserver {
  const everyMs = options.everyMs ?? observeEveryMs
  const keepDays = options.keepDays ?? 90
  const onError = options.onError ?? (() => {})
  let closed = false
  const inFlight = new Set<Promise<unknown>>()
  const track = (work: Promise<unknown>) => {
    const done = work.catch(onError).finally(() => inFlight.delete(done))
    inFlight.add(done)
  }
  const pass = () => {
    if (closed) return
    track(observeTables(options.db, options.pools, { olderThanMs: everyMs / 2 }))
    track(pruneObservations(options.db, keepDays))
  }
  pass()
  const timer = setInterval(pass, everyMs)
  timer.unref()
  return {
    afterRuns(runIds) {
      if (closed || runIds.length === 0) return
      track(
        (async () => {
          const written = await options.db
            .selectFrom('runs')
            .innerJoin('step_tables', 'step_tables.pipeline_id', 'runs.pipeline_id')
            .select(['runs.id as run_id', 'step_tables.table_name'])
            .where('runs.id', 'in', [...runIds])
            .where('step_tables.access', '=', 'write')
            .execute()
          const byRun = new Map<string, string[]>()
          for (const row of written) byRun.set(row.run_id, [...(byRun.get(row.run_id) ?? []), row.table_name])
          for (const [runId, tables] of byRun) {
            await observeTables(options.db, options.pools, { tables: [...new Set(tables)], runId })
          }
        })(),
      )
    },
    async close() {
      closed = true
      clearInterval(timer)
      await Promise.allSettled([...inFlight])
    },
  }
}
