import type { SqlParam, WarehouseSql } from '@steward/pipelines'

/** Rows per insert statement: a few thousand parameters, well under PostgreSQL's 65,535. */
const rowsPerStatement = 500

/**
 * Inserts rows with one parameterised multi-row `insert … values` per batch. Table and column names
 * are the code's own (never data); every value is a parameter. Returns the rows inserted.
 *
 * @example
 * await insertRows(sql, 'analytics.daily_activity', ['day', 'host'], [['2026-11-02', 'web-1']])
 */
export async function insertRows(
  sql: WarehouseSql,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlParam[])[],
): Promise<number> {
  let inserted = 0
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const batch = rows.slice(start, start + rowsPerStatement)
    const params: SqlParam[] = []
    const tuples = batch.map((row) => {
      if (row.length !== columns.length) {
        throw new Error(`insert into ${table}: a row has ${row.length} values for ${columns.length} columns`)
      }
      const placeholders = row.map((value) => {
        params.push(value)
        return `$${params.length}`
      })
      return `(${placeholders.join(', ')})`
    })
    const { rowCount } = await sql.query(
      `insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`,
      params,
    )
    inserted += rowCount
  }
  return inserted
}

/** Whether `schema.table` exists on the connection (DuckDB and PostgreSQL both have information_schema). */
export async function tableExists(sql: WarehouseSql, table: string): Promise<boolean> {
  const [schema, name] = table.split('.', 2)
  if (!schema || !name) throw new Error(`tableExists: "${table}" must be schema.table`)
  const { rows } = await sql.query<{ found: unknown }>(
    'select count(*) as found from information_schema.tables where table_schema = $1 and table_name = $2',
    [schema, name],
  )
  return Number(rows[0]?.found ?? 0) > 0
}
