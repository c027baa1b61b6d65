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
  /**
   * Tables of one connection read at the same time. Default 2: half of a PostgreSQL pool (4),
   * which the process's steps share, so their statements never wait behind a whole pass.
   */
  concurrency?: number
}

/** Tables whose names one catalog statement carries (3 parameters each). */
const catalogBatch = 500
/** Observations one insert writes (10 parameters each; PostgreSQL takes at most 65,535). */
const insertBatch = 1_000

/**
 * Observes published tables where they land and appends one row per table to
 * `table_observations`: row count (PostgreSQL's `reltuples` estimate past `estimateAboveRows`),
 * the newest value of the timestamp column, the columns and their types. Per connection: one
 * probe, the columns (and PostgreSQL's estimates) of all its tables in a statement per 500
 * tables, then one statement per table (`count(*)` and `max(<timestamp>)` together), a few
 * tables at a time. A connection that does not answer, at the probe or midway, gives each of
 * its tables not yet read an `unreachable` row without more tries, so alerts open one incident
 * for the connection, not one per table. Never throws for the warehouse's sake; table names are
 * identifiers checked at validation, so they are SQL as written.
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

  const settings = {
    estimateAbove: options.estimateAbove ?? estimateAboveRows,
    concurrency: Math.max(1, options.concurrency ?? 2),
  }
  const observations: TableObservation[] = []
  for (const [connection, list] of byConnection) {
    observations.push(
      ...(await observeConnection(pools, connection, connections.get(connection), list, settings)),
    )
  }
  for (let i = 0; i < observations.length; i += insertBatch) {
    await db
      .insertInto('table_observations')
      .values(
        observations.slice(i, i + insertBatch).map((o) => ({
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
  }
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

/** What the warehouse's catalog says of one table: its columns in order, and PostgreSQL's row estimate. */
interface TableCatalog {
  columns: ObservedColumn[]
  estimate: number | null
}

async function observeConnection(
  pools: WarehousePools,
  connection: string,
  decl: ConnectionDecl | undefined,
  tables: PublishedTableInfo[],
  settings: { estimateAbove: number; concurrency: number },
): Promise<TableObservation[]> {
  const failed = (error: unknown, unreachable: boolean) =>
    tables.map((table) => emptyObservation(table, error, unreachable))
  let client: WarehouseClient
  let catalog: TableCatalog[]
  try {
    client = pools.get(connection, decl)
    await client.query('select 1', [], { purpose: 'observe' })
  } catch (error) {
    return failed(error, true)
  }
  try {
    catalog = await readCatalog(client, tables)
  } catch (error) {
    return failed(error, isUnreachable(error))
  }
  const observed: TableObservation[] = []
  // Once the warehouse stops answering, the tables not yet read are unreachable too: asking each
  // would wait out the connect timeout once per table.
  let down: unknown
  let next = 0
  const reader = async () => {
    for (let i = next++; i < tables.length; i = next++) {
      const table = tables[i] as PublishedTableInfo
      if (down !== undefined) {
        observed[i] = emptyObservation(table, down, true)
        continue
      }
      try {
        observed[i] = await observeTable(client, table, catalog[i], settings.estimateAbove)
      } catch (error) {
        const unreachable = isUnreachable(error)
        if (unreachable) down ??= error
        observed[i] = emptyObservation(table, error, unreachable)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, tables.length) }, reader))
  return observed
}

function isUnreachable(error: unknown): boolean {
  return isStewardError(error) && error.code === 'WAREHOUSE_UNREACHABLE'
}

/**
 * The columns (and on PostgreSQL the row estimates) of `tables`, in their order: two statements
 * per `catalogBatch` tables, whatever their number.
 */
async function readCatalog(client: WarehouseClient, tables: PublishedTableInfo[]): Promise<TableCatalog[]> {
  const tag = { purpose: 'observe' }
  const catalog = tables.map((): TableCatalog => ({ columns: [], estimate: null }))
  for (let first = 0; first < tables.length; first += catalogBatch) {
    const batch = tables.slice(first, first + catalogBatch)
    const params = batch.flatMap((table, j) => {
      const [schema, name] = table.name.includes('.') ? splitName(table.name) : [null, table.name]
      return [first + j, schema, name]
    })
    const wanted = batch.map((_, j) => `($${3 * j + 1}::integer, $${3 * j + 2}::text, $${3 * j + 3}::text)`)
    // Columns of a batch of tables. In: (index, schema or null for the current one, name) per table.
    // Out: one row per column, in each table's column order; a table that does not exist has none.
    // Reads the catalog only (information_schema), no table data; takes no lock.
    const { rows: columns } = await client.query<{ i: number; name: string; type: string }>(
      `select w.i, c.column_name as name, c.data_type as type
       from (values ${wanted.join(', ')}) as w(i, schema_name, table_name)
       join information_schema.columns c
         on c.table_schema = coalesce(w.schema_name, current_schema()) and c.table_name = w.table_name
       order by w.i, c.ordinal_position`,
      params,
      tag,
    )
    for (const column of columns)
      catalog[Number(column.i)]?.columns.push({ name: column.name, type: column.type })
    if (client.kind !== 'postgres') continue
    // PostgreSQL's row estimates of a batch of tables. In: (index, unused, name as declared) per
    // table; `to_regclass` folds the name as the table's own statements would. Out: (index,
    // reltuples; -1 when never analysed) per table that exists. Reads pg_class only; no lock.
    const { rows: estimates } = await client.query<{ i: number; estimate: number }>(
      `select w.i, c.reltuples::float8 as estimate
       from (values ${wanted.join(', ')}) as w(i, schema_name, table_name)
       join pg_class c on c.oid = to_regclass(coalesce(w.schema_name || '.', '') || w.table_name)`,
      params,
      tag,
    )
    for (const row of estimates) {
      const entry = catalog[Number(row.i)]
      if (entry) entry.estimate = row.estimate
    }
  }
  return catalog
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

/** One table, its catalog read: a single statement for its row count and newest timestamp. */
async function observeTable(
  client: WarehouseClient,
  table: PublishedTableInfo,
  catalog: TableCatalog | undefined,
  estimateAbove: number,
): Promise<TableObservation> {
  if (!catalog || catalog.columns.length === 0)
    throw new Error(`table ${table.name} does not exist on connection "${table.connection}"`)
  const estimated = catalog.estimate !== null && catalog.estimate >= estimateAbove
  const measures = [
    estimated ? undefined : 'count(*) as n',
    table.timestampColumn ? `max(${table.timestampColumn})::timestamptz as newest` : undefined,
  ].filter((measure) => measure !== undefined)

  let row: { n?: number | bigint | string; newest?: Date | string | null } = {}
  if (measures.length > 0) {
    // One scan for both the count and the newest timestamp (none when the count is an estimate
    // and there is no timestamp column). Reads the whole table unless an index answers max().
    const { rows } = await client.query<typeof row>(`select ${measures.join(', ')} from ${table.name}`, [], {
      purpose: 'observe',
    })
    row = rows[0] ?? {}
  }
  const newest = row.newest ?? null
  return {
    table: table.name,
    connection: table.connection,
    rowCount: estimated ? Math.round(catalog.estimate ?? 0) : Number(row.n ?? 0),
    rowCountEstimated: estimated,
    newestAt: newest === null ? null : new Date(newest),
    columns: catalog.columns,
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
