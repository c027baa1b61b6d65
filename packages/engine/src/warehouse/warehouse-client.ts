import { StewardError } from '@steward/kernel'
import type { ConnectionKind, SqlParam } from '@steward/pipelines'
import type { AbortCause } from '../worker/run-attempt.ts'

/**
 * A warehouse connection as the engine uses it (steps through `ctx.sql`, the observer, checks):
 * one pool per connection per process, shared by everything in it.
 */
export interface WarehouseClient {
  readonly name: string
  readonly kind: ConnectionKind
  /**
   * Runs one parameterised statement. `tag` says who runs it: it becomes a leading
   * `/* steward … *\/` comment and, on PostgreSQL, the session's `application_name`. When
   * `signal` aborts (the step timed out, its run was cancelled) the statement is cancelled on the
   * warehouse and the query rejects with `WAREHOUSE_QUERY_CANCELLED`; an aborted signal refuses
   * to start one.
   */
  query<T = Record<string, unknown>>(
    text: string,
    params?: readonly SqlParam[],
    tag?: QueryTag,
    signal?: AbortSignal,
  ): Promise<WarehouseResult<T>>
  /** Ends the pool; queries in flight finish first. Idempotent. */
  close(): Promise<void>
}

/** Who runs a query: a step of a run, or Steward itself (`observer`, `check`). */
export interface QueryTag {
  runId?: string
  stepId?: string
  /** What Steward itself does, when no step runs the query: `observe`, `check`. */
  purpose?: string
}

export interface WarehouseResult<T> {
  rows: T[]
  /** Rows returned, or changed by an insert, update or delete. */
  rowCount: number
  /** Time on the warehouse, from sending the statement to having its rows. */
  ms: number
}

/** Every code a `StewardError` of the warehouse runtime carries. */
export type WarehouseErrorCode =
  /** The warehouse did not answer (refused, DNS, timeout, file locked by another process): retry. */
  | 'WAREHOUSE_UNREACHABLE'
  /** The statement failed on the warehouse (syntax, missing table, constraint). */
  | 'WAREHOUSE_QUERY_FAILED'
  /** The connection cannot be opened as declared (its URL's variable unset, a bad URL). */
  | 'WAREHOUSE_NOT_CONFIGURED'
  /** `ctx.sql` named a connection the catalog does not declare. */
  | 'WAREHOUSE_UNKNOWN_CONNECTION'
  /** The statement was cancelled on the warehouse: its step timed out or its run was cancelled. */
  | 'WAREHOUSE_QUERY_CANCELLED'

/** The `/* steward … *\/` comment a tagged statement starts with; ids cannot close it early. */
export function tagComment(tag: QueryTag | undefined): string {
  if (!tag) return ''
  const parts = [
    tag.runId === undefined ? undefined : `run=${tag.runId}`,
    tag.stepId === undefined ? undefined : `step=${tag.stepId}`,
    tag.purpose === undefined ? undefined : `purpose=${tag.purpose}`,
  ].filter((part) => part !== undefined)
  if (parts.length === 0) return ''
  return `/* steward ${parts
    .join(' ')
    .replace(/\*\//g, '* /')
    .replace(/[\r\n]/g, ' ')} */ `
}

/** PostgreSQL's `application_name` for a tag (at most 63 bytes: PostgreSQL truncates past that). */
export function applicationName(tag: QueryTag | undefined): string {
  if (!tag) return 'steward'
  const name = tag.runId
    ? `steward run=${tag.runId}${tag.stepId ? ` step=${tag.stepId}` : ''}`
    : `steward ${tag.purpose ?? ''}`.trim()
  return name.replace(/[^\x20-\x7e]/g, '?').slice(0, 63)
}

/** Who ran a query, as an error says it: ` (step load)`, ` (observe)` or nothing. */
export function queryAuthor(tag: QueryTag | undefined): string {
  return tag?.stepId ? ` (step ${tag.stepId})` : tag?.purpose ? ` (${tag.purpose})` : ''
}

/**
 * The error of a query stopped because its signal aborted, saying why (the step's timeout, the
 * run's cancel), with the connection, who ran it and the statement's first line.
 */
export function cancelledError(
  connection: string,
  signal: AbortSignal,
  text: string,
  tag: QueryTag | undefined,
  cause?: unknown,
): StewardError<WarehouseErrorCode> {
  const reason = signal.reason as AbortCause | undefined
  const why =
    reason?.kind === 'timeout'
      ? `the step timed out after ${reason.timeoutMs} ms`
      : reason?.kind === 'cancelled'
        ? reason.message
        : 'the step was stopped'
  return new StewardError<WarehouseErrorCode>(
    'WAREHOUSE_QUERY_CANCELLED',
    `connection "${connection}"${queryAuthor(tag)}: the query was cancelled: ${why} — in: ${firstLine(text)}`,
    cause === undefined ? undefined : { cause },
  )
}

/** The statement's first non-empty line, cut to 200 characters: what an error shows of it. */
export function firstLine(text: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}
