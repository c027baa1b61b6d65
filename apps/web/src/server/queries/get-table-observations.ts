import type { ObservedColumn } from '@steward/db'
import type { Db } from '../read-database.ts'

export interface ObservationPoint {
  at: Date
  rowCount: number | null
  estimated: boolean
  newestAt: Date | null
  error: string | null
  unreachable: boolean
}

/** A published table with its latest columns and its recent observations, oldest first. */
export interface ObservedTable {
  name: string
  connection: string
  timestampColumn: string | null
  checks: number
  columns: ObservedColumn[] | null
  series: ObservationPoint[]
}

/** Observations per table the product page draws. */
export const observationLimit = 48

/** The product's published tables and their last observations (index `table_observations_table_idx`). */
export async function getTableObservations(db: Db, productId: string): Promise<ObservedTable[]> {
  const tables = await db
    .selectFrom('published_tables')
    .select(['name', 'connection', 'timestamp_column', 'checks'])
    .where('product_id', '=', productId)
    .orderBy('name')
    .execute()
  return Promise.all(
    tables.map(async (table) => {
      const rows = await db
        .selectFrom('table_observations')
        .select([
          'observed_at',
          'row_count',
          'row_count_estimated',
          'newest_at',
          'columns',
          'error',
          'unreachable',
        ])
        .where('table_name', '=', table.name)
        .orderBy('observed_at', 'desc')
        .limit(observationLimit)
        .execute()
      const series = rows.reverse().map((row) => ({
        at: row.observed_at,
        rowCount: row.row_count === null ? null : Number(row.row_count),
        estimated: row.row_count_estimated,
        newestAt: row.newest_at,
        error: row.error,
        unreachable: row.unreachable,
      }))
      const lastReadable = rows.find((row) => row.columns !== null)
      return {
        name: table.name,
        connection: table.connection,
        timestampColumn: table.timestamp_column,
        checks: table.checks.length,
        columns: lastReadable?.columns ?? null,
        series,
      }
    }),
  )
}
