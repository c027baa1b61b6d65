import type { ErrorInfo, RunStatus, RunTrigger } from '@steward/db'
import { sql } from 'kysely'
import type { Db } from '../store/db.ts'

/** Every status a run can have, in the order of its life. */
export const runStatuses = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
] as const satisfies readonly RunStatus[]

/**
 * Where a page of runs ended: the last run's creation time in whole microseconds since the epoch
 * (a `Date` holds only milliseconds, and runs created by one statement share their time to the
 * microsecond) and its id. The next page starts strictly after it.
 */
export interface RunCursor {
  createdAtMicros: bigint
  id: string
}

export interface ListRunsFilter {
  pipelineId?: string
  productId?: string
  /** Only runs of these products (a token limited to products); an empty list matches none. */
  productIds?: readonly string[]
  /** Any of these statuses; all when absent or empty. */
  statuses?: readonly RunStatus[]
  /** Runs created at or after this instant. */
  createdFrom?: Date
  /** Runs created before this instant. */
  createdBefore?: Date
  /** Runs per page, 1 to `maxRunsPerPage`. */
  limit: number
  /** The previous page's `next`. */
  after?: RunCursor
}

export const maxRunsPerPage = 200

/** A run as a list shows it: no params, steps or attempts (the run's own page has those). */
export interface ListedRun {
  id: string
  pipelineId: string
  productId: string
  pipelineVersion: number
  status: RunStatus
  trigger: RunTrigger
  partitionKey: string | null
  backfillId: string | null
  error: ErrorInfo | null
  costUsd: number | null
  createdAt: Date
  startedAt: Date | null
  finishedAt: Date | null
}

export interface RunPage {
  runs: ListedRun[]
  /** Where the next page starts, or null when this one is the last. */
  next: RunCursor | null
}

/**
 * Lists runs newest first, filtered by pipeline, product, status and creation time, one page at
 * a time. The order (`created_at desc, id desc`) is total and does not change as runs progress, so
 * walking the pages returns each run at most once, however many runs start meanwhile.
 *
 * Contract:
 * - inputs: the filter above; `after` from a previous page (its microsecond time and uuid).
 * - outputs: at most `limit` runs and the cursor after the last of them (null on the last page:
 *   one row past the limit is read to know).
 * - index: `(pipeline_id, created_at desc, id desc)` with a pipeline, `(product_id, …)` with a
 *   product, `(created_at desc, id desc)` otherwise (migration 0022); the cursor and the time range
 *   are bounds of the index scan, and statuses filter its rows. Only `runs` is read: step runs and
 *   attempts are reached through their runs, never listed here.
 * - locks: none (a plain read); runs change status while they are listed, never their order.
 */
export async function listRuns(db: Db, filter: ListRunsFilter): Promise<RunPage> {
  const limit = Math.min(Math.max(1, Math.trunc(filter.limit)), maxRunsPerPage)
  let query = db
    .selectFrom('runs')
    .select([
      'id',
      'pipeline_id',
      'product_id',
      'pipeline_version',
      'status',
      'trigger',
      'partition_key',
      'backfill_id',
      'error',
      'cost_usd',
      'created_at',
      'started_at',
      'finished_at',
      sql<string>`floor(extract(epoch from created_at) * 1000000)::bigint::text`.as('created_micros'),
    ])
  if (filter.pipelineId !== undefined) query = query.where('pipeline_id', '=', filter.pipelineId)
  if (filter.productId !== undefined) query = query.where('product_id', '=', filter.productId)
  if (filter.productIds !== undefined)
    query =
      filter.productIds.length === 0
        ? query.where(sql<boolean>`false`)
        : query.where('product_id', 'in', [...filter.productIds])
  if (filter.statuses && filter.statuses.length > 0) query = query.where('status', 'in', filter.statuses)
  if (filter.createdFrom) query = query.where('created_at', '>=', filter.createdFrom)
  if (filter.createdBefore) query = query.where('created_at', '<', filter.createdBefore)
  if (filter.after) {
    const { createdAtMicros, id } = filter.after
    query = query.where(
      sql<boolean>`(created_at, id) < (timestamptz 'epoch' + ${createdAtMicros.toString()}::bigint * interval '1 microsecond', ${id}::uuid)`,
    )
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    runs: page.map((row) => ({
      id: row.id,
      pipelineId: row.pipeline_id,
      productId: row.product_id,
      pipelineVersion: row.pipeline_version,
      status: row.status,
      trigger: row.trigger,
      partitionKey: row.partition_key,
      backfillId: row.backfill_id,
      error: row.error,
      costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
    })),
    next: rows.length > limit && last ? { createdAtMicros: BigInt(last.created_micros), id: last.id } : null,
  }
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A cursor as text for a URL or a terminal: opaque, URL-safe. */
export function encodeRunCursor(cursor: RunCursor): string {
  return Buffer.from(`${cursor.createdAtMicros}.${cursor.id}`).toString('base64url')
}

/** The cursor `encodeRunCursor` wrote, or undefined for any other text. */
export function decodeRunCursor(text: string): RunCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,120}$/.test(text)) return undefined
  const match = /^(\d{1,19})\.(.+)$/.exec(Buffer.from(text, 'base64url').toString('latin1'))
  if (!match?.[1] || !match[2] || !uuid.test(match[2])) return undefined
  const createdAtMicros = BigInt(match[1])
  if (createdAtMicros > 9_223_372_036_854_775_807n) return undefined
  return { createdAtMicros, id: match[2] }
}
