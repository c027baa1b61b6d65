import {
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
} from 'kysely'
import type { StewardDialectConfig } from './steward-dialect-config.ts'
import { StewardDriver } from './steward-driver.ts'

/**
 * Kysely's PostgreSQL dialect over a `pg` pool, with fewer round trips: marked statements run as
 * named statements and a transaction's `begin` travels with its first statement (each can be
 * switched off, see `StewardDialectConfig`). Everything else (SQL, adapter, introspection) is
 * Kysely's `PostgresDialect`.
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new StewardDialect({ pool: new pg.Pool({ connectionString }) }) })
 */
export class StewardDialect implements Dialect {
  readonly #config: StewardDialectConfig

  constructor(config: StewardDialectConfig) {
    this.#config = { ...config }
  }

  createDriver(): Driver {
    return new StewardDriver(this.#config)
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler()
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter()
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db)
  }
}
