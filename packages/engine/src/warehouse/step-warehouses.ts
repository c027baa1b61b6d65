import { postgresText } from '@steward/kernel'
import type { ConnectionDecl, SqlParam, SqlResult, WarehouseSql } from '@steward/pipelines'
import type { Db } from '../store/db.ts'
import { ConnectionCatalog } from './connection-catalog.ts'
import { type PublishedTableInfo, readPublishedTables } from './warehouse-catalog.ts'
import { firstLine } from './warehouse-client.ts'
import { costHookFor } from './warehouse-cost.ts'
import type { WarehousePools } from './warehouse-pools.ts'

/** A statement a step ran, as its attempt records it. */
export interface RecordedQuery {
  connection: string
  /** The statement's first line, at most 200 characters. */
  statement: string
  ms: number
  rows: number
  failed: boolean
  at: Date
}

/** A query's cost entry, in the shape of an attempt's costs. */
export interface RecordedWarehouseCost {
  kind: 'warehouse'
  item: string
  usd: number
  quantity: number | null
  unit: string | null
}

/** Past this many statements an attempt keeps a count of the others, not their rows. */
export const maxRecordedQueries = 500

/** What one attempt's statements left: their records, costs, and how many were not kept. */
export class AttemptQueries {
  readonly queries: RecordedQuery[] = []
  readonly costs: RecordedWarehouseCost[] = []
  dropped = 0

  add(query: RecordedQuery): void {
    if (this.queries.length >= maxRecordedQueries) this.dropped += 1
    else this.queries.push({ ...query, statement: postgresText(query.statement) })
  }
}

export interface StepWarehousesOptions {
  db: Db
  /** The process's pools: shared with the observer and checks, closed by the process on shutdown. */
  pools: WarehousePools
  /** `costs.warehouseHourUsd`: dollars per hour of query time where a connection sets none. Default 0. */
  warehouseHourUsd?: number
}

/**
 * `ctx.sql` for the worker's steps: the deployed connections (read from SQL), opened in the
 * process's shared pools, each statement tagged with its run and step, and timed, counted and
 * priced on the attempt's `AttemptQueries`.
 */
export class StepWarehouses {
  readonly #pools: WarehousePools
  readonly #catalog: ConnectionCatalog
  readonly #hourUsd: number
  readonly #db: Db

  constructor(options: StepWarehousesOptions) {
    this.#db = options.db
    this.#pools = options.pools
    this.#catalog = new ConnectionCatalog(options.db)
    this.#hourUsd = options.warehouseHourUsd ?? 0
  }

  /** The deployed connections (read from SQL at most every 5 s), for `forAttempt`. */
  connections(): Promise<Map<string, ConnectionDecl>> {
    return this.#catalog.all()
  }

  /** The deployed tables of these names, with their checks: what a step that writes them is checked on. */
  tables(names: readonly string[]): Promise<PublishedTableInfo[]> {
    return readPublishedTables(this.#db, { names })
  }

  /**
   * The `ctx.sql` of one attempt, given the connections `connections()` answered. When `signal`
   * aborts (the step timed out, its run was cancelled) the statement running is cancelled on the
   * warehouse, and later ones are refused.
   */
  forAttempt(
    tag: { runId: string; stepId: string },
    record: AttemptQueries,
    connections: ReadonlyMap<string, ConnectionDecl>,
    signal?: AbortSignal,
  ): (connection: string) => WarehouseSql {
    return (connection) => {
      const decl = connections.get(connection)
      // Throws, naming the connection, when the catalog has none of that name.
      const client = this.#pools.get(connection, decl)
      const hook = costHookFor(client.kind, decl?.hourUsd ?? this.#hourUsd)
      return {
        connection,
        kind: client.kind,
        query: async <T>(text: string, params: readonly SqlParam[] = []): Promise<SqlResult<T>> => {
          const at = new Date()
          const started = performance.now()
          const statement = firstLine(text)
          try {
            const { rows, rowCount, ms } = await client.query<T>(text, params, tag, signal)
            record.add({ connection, statement, ms, rows: rowCount, failed: false, at })
            const cost = hook({ connection, kind: client.kind, ms, rows: rowCount })
            if (cost) record.costs.push({ kind: 'warehouse', item: `warehouse ${connection}`, ...cost })
            return { rows, rowCount }
          } catch (error) {
            record.add({ connection, statement, ms: performance.now() - started, rows: 0, failed: true, at })
            throw error
          }
        },
      }
    }
  }
}
