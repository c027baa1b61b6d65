import type { ConnectionKind } from '@steward/pipelines'

/** What a query cost, as a cost entry: dollars, and the quantity they price. */
export interface QueryCost {
  usd: number
  quantity: number
  unit: string
}

/** A finished query as a cost hook sees it. */
export interface CostedQuery {
  connection: string
  kind: ConnectionKind
  ms: number
  rows: number
  /**
   * What the warehouse itself reported about the query, for kinds that bill by it (BigQuery's
   * `totalBytesBilled`, Snowflake's credits): absent for PostgreSQL and DuckDB.
   */
  billing?: Readonly<Record<string, number>>
}

/**
 * Prices one query of a connection kind, or answers undefined (not priced: no cost entry). One
 * hook per kind; a warehouse that reports bytes or credits gets its own hook (BigQuery:
 * `billing.totalBytesBilled / 2**40 × $/TiB`; Snowflake: the query's credits × $/credit, read from
 * its query attribution by the query tag) without any change to steps, which only call `ctx.sql`.
 */
export type WarehouseCostHook = (query: CostedQuery) => QueryCost | undefined

/**
 * PostgreSQL and DuckDB report no bill: their cost is time on the warehouse × a rate (dollars per
 * hour; the connection's `hourUsd`, else `costs.warehouseHourUsd`). A rate of 0 prices nothing.
 */
export function timeCost(hourUsd: number): WarehouseCostHook {
  return ({ ms }) =>
    hourUsd > 0
      ? { usd: (ms / 3_600_000) * hourUsd, quantity: ms / 1000, unit: 'warehouse-seconds' }
      : undefined
}

/** The hook of a connection: its kind's, priced at its rate. */
export function costHookFor(kind: ConnectionKind, hourUsd: number): WarehouseCostHook {
  switch (kind) {
    case 'duckdb':
    case 'postgres':
      return timeCost(hourUsd)
  }
}
