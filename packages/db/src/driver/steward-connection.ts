import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely'
import { type NamedStatements, prepared } from './named-statements.ts'
import type { StewardPoolClient, StewardQueryConfig, StewardQueryResult } from './steward-dialect-config.ts'

/**
 * One pooled client as Kysely sees it. The driver keeps one per client for the client's life, so
 * what it knows of the server session (its named statements) lasts as long as that session.
 *
 * Contract with `StewardDriver`:
 * - `holdBegin(sql)` records a transaction's `begin` instead of sending it. The next `executeQuery`
 *   sends it: as one simple query `begin;\n<statement>` when the statement has no parameters (the
 *   server stops at the first error, so the statement never runs outside the transaction), else
 *   first, on its own, and the statement only once it succeeded.
 * - `dropHeldBegin()` forgets a `begin` that nothing has sent, and says whether there was one: such
 *   a transaction has nothing to commit or roll back on the server.
 * - `release()` forgets it too before the client goes back to the pool, so a `begin` never reaches
 *   the client's next user.
 * - With `names`, statements whose text starts with `prepared` are sent as named statements.
 */
export class StewardConnection implements DatabaseConnection {
  readonly #client: StewardPoolClient
  readonly #names: NamedStatements | undefined
  #heldBegin: string | undefined

  constructor(client: StewardPoolClient, names: NamedStatements | undefined) {
    this.#client = client
    this.#names = names
  }

  holdBegin(sql: string): void {
    this.#heldBegin = sql
  }

  dropHeldBegin(): boolean {
    const held = this.#heldBegin !== undefined
    this.#heldBegin = undefined
    return held
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const begin = this.#heldBegin
    this.#heldBegin = undefined
    const text = compiledQuery.sql
    const values = [...compiledQuery.parameters]
    try {
      if (begin !== undefined && values.length === 0)
        return toQueryResult<R>(await this.#client.query({ text: `${begin};\n${text}`, values }), 1)
      if (begin !== undefined) await this.#client.query({ text: begin, values: [] })
      return toQueryResult<R>(await this.#client.query(this.#config(text, values)))
    } catch (error) {
      throw withCallerStack(error, new Error())
    }
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered; it fails before sending anything.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("Steward's dialect does not stream query results; page through them instead")
  }

  release(): void {
    this.#heldBegin = undefined
    this.#client.release()
  }

  #config(text: string, values: unknown[]): StewardQueryConfig {
    if (this.#names === undefined || !text.startsWith(prepared)) return { text, values }
    const { name, retired } = this.#names.next(text)
    // Queued before the statement, not awaited. Deallocating is not transactional; in a failed
    // transaction it fails, and the old statement stays: harmless, its name is never used again.
    if (retired !== undefined)
      this.#client.query({ text: `deallocate ${retired}`, values: [] }).catch(() => {})
    return { name, text, values }
  }
}

/**
 * Kysely's reading of a `pg` result. `skip`: leading results that are not the caller's (a `begin`
 * sent in the same message). Several results of the caller's own statements give no rows, as with
 * Kysely's `PostgresDriver`.
 */
function toQueryResult<R>(answer: StewardQueryResult | StewardQueryResult[], skip = 0): QueryResult<R> {
  const results = Array.isArray(answer) ? answer.slice(skip) : [answer]
  const result = results.length === 1 ? results[0] : undefined
  if (result === undefined) return { rows: [] }
  const { command, rowCount, rows } = result
  const changes = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
  return {
    numAffectedRows: changes ? BigInt(rowCount ?? 0) : undefined,
    rows: (rows ?? []) as R[],
  }
}

/** `pg` errors carry the stack of its socket reader; add the caller's, as Kysely's driver does. */
function withCallerStack(error: unknown, caller: Error): unknown {
  if (error instanceof Error && error.stack !== undefined && caller.stack !== undefined)
    error.stack += `\n${caller.stack.split('\n').slice(1).join('\n')}`
  return error
}
