/**
 * Config for `StewardDialect`: Kysely's PostgreSQL dialect, plus two round-trip savings that can
 * each be switched off.
 */
export interface StewardDialectConfig {
  /**
   * The pool connections are taken from; a `pg.Pool` fits. `Kysely.destroy()` ends it.
   *
   * https://node-postgres.com/apis/pool
   */
  pool: StewardPool
  /**
   * Run statements marked with `prepared` as named statements, parsed once per connection and
   * prepared again at their 4th, 16th, 64th… run on it (see `named-statements.ts`). Default `true`.
   *
   * Must be off on PGlite: every connection to its socket server shares one backend, where a second
   * connection preparing the same name fails.
   */
  namedStatements?: boolean
  /**
   * Hold a transaction's `begin` back and send it with the transaction's first statement: in the
   * same message when that statement has no parameters, otherwise just before it. A transaction
   * that sends no statement then sends no `begin`, `commit` or `rollback` either. Default `true`.
   */
  deferBegin?: boolean
}

/**
 * The subset of `pg`'s `Pool` the dialect needs. Not `pg`'s own types: a test can hand in a pool
 * that records what is sent.
 */
export interface StewardPool {
  connect(): Promise<StewardPoolClient>
  end(): Promise<void>
}

/** The subset of `pg`'s `PoolClient` the dialect needs: the query config form only. */
export interface StewardPoolClient {
  /** Several statements in `text` (no values, no name) answer one result each, in an array. */
  query(config: StewardQueryConfig): Promise<StewardQueryResult | StewardQueryResult[]>
  release(): void
}

/**
 * With `name`, a named statement: parsed on the connection's first use of the name, then only bound
 * and executed. Without a name and without values, a simple query (which may hold several
 * statements).
 */
export interface StewardQueryConfig {
  text: string
  values: unknown[]
  name?: string
}

export interface StewardQueryResult {
  command: string
  rowCount: number | null
  rows: unknown[]
}
