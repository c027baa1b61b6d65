import { StewardError } from '@steward/kernel'
import type { SqlParam } from '@steward/pipelines'
import pg from 'pg'
import {
  applicationName,
  cancelledError,
  firstLine,
  type QueryTag,
  queryAuthor,
  tagComment,
  type WarehouseClient,
  type WarehouseErrorCode,
  type WarehouseResult,
} from './warehouse-client.ts'

export interface PostgresWarehouseOptions {
  /** Connections the pool keeps at most. Default 4. */
  max?: number
  /** Give up connecting after this long: the warehouse is unreachable. Default 10 s. */
  connectTimeoutMs?: number
}

/**
 * A PostgreSQL warehouse: one `pg` pool. Each query checks out a connection, sets its
 * `application_name` to the query's tag when it differs from the one it has (so
 * `pg_stat_activity` shows the run and step), and sends the tagged statement; a query whose
 * signal aborts is cancelled on the server (`pg_cancel_backend`). Errors name the
 * connection, who ran the query and the statement's first line, never the URL or its password.
 */
export function openPostgresWarehouse(
  name: string,
  url: string,
  options: PostgresWarehouseOptions = {},
): WarehouseClient {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'steward',
  })
  // An idle connection the server dropped must not crash the process: the next query reconnects.
  pool.on('error', () => {})
  const secret = passwordOf(url)
  const appNames = new WeakMap<pg.PoolClient, string>()
  let closed: Promise<void> | undefined

  return {
    name,
    kind: 'postgres',
    async query<T>(
      text: string,
      params: readonly SqlParam[] = [],
      tag?: QueryTag,
      signal?: AbortSignal,
    ): Promise<WarehouseResult<T>> {
      if (signal?.aborted) throw cancelledError(name, signal, text, tag)
      let client: pg.PoolClient
      try {
        client = await pool.connect()
      } catch (error) {
        throw warehouseError(name, 'WAREHOUSE_UNREACHABLE', error, text, tag, secret)
      }
      let broken: Error | boolean | undefined
      // The step ended while its statement runs: cancel it on the server (from a connection of its
      // own: the pool may be full), and throw this connection away rather than hand it on, so a
      // late cancel can never stop the next query that would have used it.
      const onAbort = () => {
        broken = true
        const pid = (client as unknown as { processID?: unknown }).processID
        if (typeof pid === 'number') void cancelBackend(url, pid)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      try {
        const wanted = applicationName(tag)
        if (appNames.get(client) !== wanted) {
          await client.query("select set_config('application_name', $1, false)", [wanted])
          appNames.set(client, wanted)
        }
        if (signal?.aborted) throw cancelledError(name, signal, text, tag)
        const started = performance.now()
        const result = await client.query({ text: tagComment(tag) + text, values: [...params] })
        const ms = performance.now() - started
        const rows = (Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows) as T[]
        const rowCount =
          result.command === 'SELECT' || result.rowCount === null ? rows.length : result.rowCount
        return { rows, rowCount, ms }
      } catch (error) {
        if (signal?.aborted) throw cancelledError(name, signal, text, tag, error)
        const unreachable = isConnectionError(error)
        if (unreachable) broken = error as Error
        throw warehouseError(
          name,
          unreachable ? 'WAREHOUSE_UNREACHABLE' : 'WAREHOUSE_QUERY_FAILED',
          error,
          text,
          tag,
          secret,
        )
      } finally {
        signal?.removeEventListener('abort', onAbort)
        // A connection that broke mid-query is thrown away, not handed to the next query.
        client.release(broken)
      }
    },
    close() {
      closed ??= pool.end()
      return closed
    },
  }
}

/**
 * Asks the server to cancel the statement backend `pid` runs (`pg_cancel_backend`: same role, no
 * superuser needed), on a short-lived connection. Best effort: a server that does not answer
 * has no statement of ours to stop, and the caller already fails its query.
 */
async function cancelBackend(url: string, pid: number): Promise<void> {
  const canceller = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    application_name: 'steward cancel',
  })
  canceller.on('error', () => {})
  try {
    await canceller.connect()
    await canceller.query('select pg_cancel_backend($1)', [pid])
  } catch {
    // Best effort, as said above.
  } finally {
    await canceller.end().catch(() => {})
  }
}

/** Refused, unknown host, timed out, dropped, or the server not accepting connections (SQLSTATE 08, 57P0x, 53300). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (/^(ECONN|ENOTFOUND|EAI_|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)/.test(code)) return true
    if (code.startsWith('08') || /^57P0[1-3]$/.test(code) || code === '53300') return true
  }
  return /Connection terminated|timeout exceeded when trying to connect|Connection ended unexpectedly/i.test(
    error.message,
  )
}

function warehouseError(
  connection: string,
  code: WarehouseErrorCode,
  error: unknown,
  text: string,
  tag: QueryTag | undefined,
  secret: string | undefined,
): StewardError<WarehouseErrorCode> {
  const raw = error instanceof Error ? error.message : String(error)
  const message = secret ? raw.split(secret).join('***') : raw
  const what = code === 'WAREHOUSE_UNREACHABLE' ? 'cannot reach the warehouse' : 'the query failed'
  return new StewardError(
    code,
    `connection "${connection}"${queryAuthor(tag)}: ${what}: ${message} — in: ${firstLine(text)}`,
    // The cause is pg's error: its message may repeat the statement, never the URL.
    { cause: error },
  )
}

function passwordOf(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password)
    return password === '' ? undefined : password
  } catch {
    return undefined
  }
}
