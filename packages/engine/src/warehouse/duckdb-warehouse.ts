import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { StewardError } from '@steward/kernel'
import type { SqlParam } from '@steward/pipelines'
import {
  cancelledError,
  firstLine,
  type QueryTag,
  queryAuthor,
  tagComment,
  type WarehouseClient,
  type WarehouseErrorCode,
  type WarehouseResult,
} from './warehouse-client.ts'

type DuckDb = typeof import('@duckdb/node-api')
type Instance = import('@duckdb/node-api').DuckDBInstance

export interface DuckDbWarehouseOptions {
  /** Close the file this long after its last query, so another process may open it. Default 2 s. */
  idleCloseMs?: number
  /** How long to wait for another process to let go of the file. Default 30 s. */
  lockWaitMs?: number
}

/**
 * An embedded DuckDB file. DuckDB lets one process at a time open a file for writing, and every
 * Steward process is a peer, so the file is held only while queries run (and `idleCloseMs` after):
 * a process that finds it locked waits, retrying, up to `lockWaitMs`, then fails as unreachable
 * (a retryable step failure). Within a process every client of one file shares one instance
 * (two instances of a file in one process would not see each other's lock), one connection per
 * query; a query whose signal aborts is interrupted (`interrupt()`). The module is loaded on
 * first use: processes without a DuckDB connection never load it.
 */
export function openDuckDbWarehouse(
  name: string,
  file: string,
  options: DuckDbWarehouseOptions = {},
): WarehouseClient {
  const holder = sharedFile(file, options)
  let closed = false
  return {
    name,
    kind: 'duckdb',
    async query<T>(
      text: string,
      params: readonly SqlParam[] = [],
      tag?: QueryTag,
      signal?: AbortSignal,
    ): Promise<WarehouseResult<T>> {
      if (signal?.aborted) throw cancelledError(name, signal, text, tag)
      if (closed) {
        throw new StewardError<WarehouseErrorCode>('WAREHOUSE_UNREACHABLE', `connection "${name}" is closed`)
      }
      let opened: { duckdb: DuckDb; instance: Instance }
      try {
        opened = await holder.acquire()
      } catch (error) {
        throw duckError(name, 'WAREHOUSE_UNREACHABLE', error, text, tag)
      }
      try {
        const { duckdb, instance } = opened
        const connection = await instance.connect()
        // The step ended while its statement runs: DuckDB stops it at its next check.
        const onAbort = () => connection.interrupt()
        signal?.addEventListener('abort', onAbort, { once: true })
        try {
          if (signal?.aborted) throw cancelledError(name, signal, text, tag)
          const started = performance.now()
          const values = params.map((value) =>
            value instanceof Date ? duckdb.timestampTZValueFromDate(value) : value,
          )
          const reader = await connection.runAndReadAll(tagComment(tag) + text, values)
          const ms = performance.now() - started
          if (reader.returnType === duckdb.ResultReturnType.QUERY_RESULT) {
            const rows = reader.getRowObjectsJS() as T[]
            return { rows, rowCount: rows.length, ms }
          }
          return { rows: [], rowCount: reader.rowsChanged, ms }
        } catch (error) {
          if (signal?.aborted) throw cancelledError(name, signal, text, tag, error)
          throw duckError(name, 'WAREHOUSE_QUERY_FAILED', error, text, tag)
        } finally {
          signal?.removeEventListener('abort', onAbort)
          connection.closeSync()
        }
      } finally {
        holder.release()
      }
    },
    async close() {
      if (closed) return
      closed = true
      holder.detach()
    },
  }
}

interface FileHolder {
  acquire(): Promise<{ duckdb: DuckDb; instance: Instance }>
  release(): void
  /** A client of the file closed: the last one closes the file at once. */
  detach(): void
}

/** The holders of this process's DuckDB files, by absolute path. */
const holders = new Map<string, FileHolder & { clients: number }>()

function sharedFile(file: string, options: DuckDbWarehouseOptions): FileHolder {
  const idleCloseMs = options.idleCloseMs ?? 2_000
  const lockWaitMs = options.lockWaitMs ?? 30_000
  const existing = holders.get(file)
  if (existing) {
    existing.clients += 1
    return existing
  }
  let opening: Promise<{ duckdb: DuckDb; instance: Instance }> | undefined
  let active = 0
  let idleTimer: NodeJS.Timeout | undefined
  const closeFile = () => {
    clearTimeout(idleTimer)
    const open = opening
    opening = undefined
    open?.then(({ instance }) => instance.closeSync()).catch(() => {})
  }
  const holder = {
    clients: 1,
    acquire() {
      clearTimeout(idleTimer)
      active += 1
      opening ??= openFile(file, lockWaitMs)
      const current = opening
      return current.catch((error: unknown) => {
        active -= 1
        if (opening === current) opening = undefined
        throw error
      })
    },
    release() {
      active -= 1
      if (active > 0) return
      idleTimer = setTimeout(closeFile, idleCloseMs)
      idleTimer.unref()
    },
    detach() {
      holder.clients -= 1
      if (holder.clients > 0) return
      holders.delete(file)
      if (active === 0) closeFile()
      else
        holder.release = () => {
          active -= 1
          if (active === 0) closeFile()
        }
    },
  }
  holders.set(file, holder)
  return holder
}

async function openFile(file: string, lockWaitMs: number): Promise<{ duckdb: DuckDb; instance: Instance }> {
  const duckdb = await import('@duckdb/node-api')
  await mkdir(path.dirname(file), { recursive: true })
  const deadline = Date.now() + lockWaitMs
  for (let wait = 25; ; wait = Math.min(wait * 2, 1_000)) {
    try {
      return { duckdb, instance: await duckdb.DuckDBInstance.create(file) }
    } catch (error) {
      if (!isLockConflict(error) || Date.now() + wait > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }
}

function isLockConflict(error: unknown): boolean {
  return error instanceof Error && /Could not set lock on file|Conflicting lock/i.test(error.message)
}

function duckError(
  connection: string,
  code: WarehouseErrorCode,
  error: unknown,
  text: string,
  tag: QueryTag | undefined,
): StewardError<WarehouseErrorCode> {
  const message = error instanceof Error ? error.message : String(error)
  const what = code === 'WAREHOUSE_UNREACHABLE' ? 'cannot open the DuckDB file' : 'the query failed'
  return new StewardError(
    code,
    `connection "${connection}"${queryAuthor(tag)}: ${what}: ${message} — in: ${firstLine(text)}`,
    {
      cause: error,
    },
  )
}
