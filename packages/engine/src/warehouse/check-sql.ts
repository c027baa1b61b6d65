import type { StoredCheck } from '@steward/db'
import {
  type AcceptedValuesCheck,
  type ConnectionKind,
  columnNamePattern,
  type NotNullCheck,
  type RelationshipCheck,
  type RowCountCheck,
  type SqlCheck,
  type SqlParam,
  type TableCheck,
  tableNamePattern,
  type UniqueCheck,
} from '@steward/pipelines'

/** Failing rows a check result keeps, at most. */
export const maxSampleRows = 5

/** One statement and its parameters. */
export interface CheckStatement {
  text: string
  params: SqlParam[]
}

/**
 * What the warehouse is asked for one check. `count` answers one row with one column, `n`: the
 * failing rows (for `rowCount`: the table's rows, judged against the bounds by `rowCountFailing`).
 * `sample` answers at most `maxSampleRows` failing rows (all their columns: personal ones are
 * dropped by the caller before anything is kept); `rowCount` has none.
 */
export interface CheckQueries {
  count: CheckStatement
  sample: CheckStatement | undefined
}

/**
 * A declared name as SQL: each part double-quoted, so a column called `order` or `user` is no
 * keyword. PostgreSQL folds unquoted names to lower case, so its parts are lower-cased first: the
 * quoted name means what the declared (unquoted, "SQL as written") one did. DuckDB's names are
 * case-insensitive either way. Names are validated as identifiers at registration; this refuses
 * anything else again, so a stored catalog edited by hand cannot become SQL.
 */
export function quoteName(name: string, dialect: ConnectionKind, what: 'table' | 'column'): string {
  const pattern = what === 'table' ? tableNamePattern : columnNamePattern
  if (!pattern.test(name)) throw new Error(`"${name}" is not a ${what} name`)
  return name
    .split('.')
    .map((part) => `"${dialect === 'postgres' ? part.toLowerCase() : part}"`)
    .join('.')
}

/** The SQL of one check on `table`, for the connection's dialect. */
export function checkQueries(stored: StoredCheck, table: string, dialect: ConnectionKind): CheckQueries {
  const check = stored as unknown as TableCheck
  const t = quoteName(table, dialect, 'table')
  const col = (name: string) => quoteName(name, dialect, 'column')
  switch (check.kind) {
    case 'notNull':
      return notNull(check, t, col)
    case 'unique':
      return unique(check, t, col)
    case 'acceptedValues':
      return acceptedValues(check, t, col)
    case 'rowCount':
      return rowCount(check, t)
    case 'relationship':
      return relationship(check, t, col, quoteName(check.to.table, dialect, 'table'))
    case 'sql':
      return custom(check)
    default:
      throw new Error(`unknown check kind "${(check as { kind: unknown }).kind}"`)
  }
}

type Quote = (name: string) => string

const statement = (text: string, params: SqlParam[] = []): CheckStatement => ({ text, params })

/** Failing: rows whose column is null. */
function notNull(check: NotNullCheck, t: string, col: Quote): CheckQueries {
  const where = `${col(check.column)} is null`
  return {
    count: statement(`select count(*) as n from ${t} where ${where}`),
    sample: statement(`select * from ${t} where ${where} limit ${maxSampleRows}`),
  }
}

/**
 * Failing: every row of a key that more than one row holds (3 rows sharing a key are 3 failing
 * rows). Rows with a null in the key are left out, as a unique constraint leaves them. The sample
 * is the duplicated keys, with how many rows hold each.
 */
function unique(check: UniqueCheck, t: string, col: Quote): CheckQueries {
  const keys = check.columns.map(col).join(', ')
  const notNull = check.columns.map((c) => `${col(c)} is not null`).join(' and ')
  const groups = `select ${keys}, cast(count(*) as integer) as duplicates from ${t} where ${notNull} group by ${keys} having count(*) > 1`
  return {
    count: statement(`select coalesce(sum(duplicates), 0) as n from (${groups}) as duplicated`),
    sample: statement(`${groups} limit ${maxSampleRows}`),
  }
}

/** Failing: rows whose non-null column holds a value not listed. Values are parameters, never SQL. */
function acceptedValues(check: AcceptedValuesCheck, t: string, col: Quote): CheckQueries {
  const params = check.values.map((value) => value)
  const list = params.map((_, i) => `$${i + 1}`).join(', ')
  const where = `${col(check.column)} is not null and ${col(check.column)} not in (${list})`
  return {
    count: statement(`select count(*) as n from ${t} where ${where}`, params),
    sample: statement(`select * from ${t} where ${where} limit ${maxSampleRows}`, params),
  }
}

/** Counts the table's rows; `rowCountFailing` judges them. */
function rowCount(_check: RowCountCheck, t: string): CheckQueries {
  return { count: statement(`select count(*) as n from ${t}`), sample: undefined }
}

/**
 * A row count's failing rows: how many rows short of `min`, or past `max`; 0 within the bounds.
 */
export function rowCountFailing(check: { min?: number; max?: number }, rows: number): number {
  if (check.min !== undefined && rows < check.min) return check.min - rows
  if (check.max !== undefined && rows > check.max) return rows - check.max
  return 0
}

/** Failing: rows whose non-null column has no equal value in the target column. */
function relationship(check: RelationshipCheck, t: string, col: Quote, target: string): CheckQueries {
  const where = `child.${col(check.column)} is not null and not exists (select 1 from ${target} as parent where parent.${col(check.to.column)} = child.${col(check.column)})`
  return {
    count: statement(`select count(*) as n from ${t} as child where ${where}`),
    sample: statement(`select child.* from ${t} as child where ${where} limit ${maxSampleRows}`),
  }
}

/**
 * Failing: the rows the query returns. It is wrapped as a subquery (on lines of its own, so a
 * trailing `--` comment cannot swallow the closing parenthesis); a trailing `;` is dropped.
 */
function custom(check: SqlCheck): CheckQueries {
  const query = check.sql.trim().replace(/;\s*$/, '')
  return {
    count: statement(`select count(*) as n from (\n${query}\n) as failing_rows`),
    sample: statement(`select * from (\n${query}\n) as failing_rows limit ${maxSampleRows}`),
  }
}
