import { CompiledQuery, type Driver, type TransactionSettings } from 'kysely'
import { NamedStatements } from './named-statements.ts'
import { StewardConnection } from './steward-connection.ts'
import type { StewardDialectConfig, StewardPool, StewardPoolClient } from './steward-dialect-config.ts'

/**
 * Kysely's `PostgresDriver` with the two savings of `StewardDialectConfig`: transactions hand their
 * `begin` to the connection (`holdBegin`) instead of sending it, and commit or roll back on the
 * server only if it was sent; connections send marked statements as named statements.
 * Savepoints go through `executeQuery` like any statement, so a held `begin` goes with them.
 */
export class StewardDriver implements Driver {
  readonly #pool: StewardPool
  readonly #namedStatements: boolean
  readonly #deferBegin: boolean
  readonly #connections = new WeakMap<StewardPoolClient, StewardConnection>()
  #destroyed = false

  constructor(config: StewardDialectConfig) {
    this.#pool = config.pool
    this.#namedStatements = config.namedStatements ?? true
    this.#deferBegin = config.deferBegin ?? true
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<StewardConnection> {
    if (this.#destroyed) throw new Error('the database driver has been destroyed')
    const client = await this.#pool.connect()
    if (this.#destroyed) {
      client.release()
      throw new Error('the database driver has been destroyed')
    }
    let connection = this.#connections.get(client)
    if (connection === undefined) {
      connection = new StewardConnection(client, this.#namedStatements ? new NamedStatements() : undefined)
      this.#connections.set(client, connection)
    }
    return connection
  }

  async beginTransaction(connection: StewardConnection, settings: TransactionSettings): Promise<void> {
    const begin = beginStatement(settings)
    if (this.#deferBegin) connection.holdBegin(begin)
    else await connection.executeQuery(CompiledQuery.raw(begin))
  }

  async commitTransaction(connection: StewardConnection): Promise<void> {
    if (!connection.dropHeldBegin()) await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: StewardConnection): Promise<void> {
    if (!connection.dropHeldBegin()) await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async savepoint(connection: StewardConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${identifier(name)}`))
  }

  async rollbackToSavepoint(connection: StewardConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${identifier(name)}`))
  }

  async releaseSavepoint(connection: StewardConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${identifier(name)}`))
  }

  async releaseConnection(connection: StewardConnection): Promise<void> {
    connection.release()
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return
    this.#destroyed = true
    await this.#pool.end()
  }
}

/** `begin`, or `start transaction` with the isolation level and access mode asked for. */
function beginStatement({ isolationLevel, accessMode }: TransactionSettings): string {
  if (!isolationLevel && !accessMode) return 'begin'
  let sql = 'start transaction'
  if (isolationLevel) sql += ` isolation level ${isolationLevel}`
  if (accessMode) sql += ` ${accessMode}`
  return sql
}

const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`
