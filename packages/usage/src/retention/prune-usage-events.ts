import type { Database } from '@steward/db'
import { type Kysely, sql } from 'kysely'

export interface PruneUsageEventsOptions {
  /** Raw events whose time (`at`) is before this instant go. */
  before: Date
  /** Events deleted per transaction. Default 1,000. */
  batch?: number
  /** Called after each committed batch with the events it deleted. */
  onBatch?: (deleted: number) => void
  signal?: AbortSignal
}

/**
 * Deletes raw usage events older than `before`, product by product, a batch per transaction.
 * The rollups are untouched, and no fold can be changed by it: folding counts `usage_pending`, its
 * own copy of each new event, never `usage_events`. Top consumers read the raw events of the last
 * 30 days, which is why the setting keeps at least 31 (STEWARD_RETAIN_USAGE_EVENTS_DAYS).
 * `rebuildRollups` (a change of the usage time zone) recounts from the raw events, so after a
 * prune it can only rebuild the days still kept.
 */
export async function pruneUsageEvents(
  db: Kysely<Database>,
  options: PruneUsageEventsOptions,
): Promise<number> {
  const batch = options.batch ?? 1_000
  let total = 0
  for (const productId of await productsWithEvents(db)) {
    for (;;) {
      if (options.signal?.aborted) return total
      const deleted = await deleteEventBatch(db, productId, options.before, batch)
      if (deleted > 0) {
        total += deleted
        options.onBatch?.(deleted)
      }
      if (deleted < batch) break
    }
  }
  return total
}

/**
 * The products that have raw events: a loose index scan of `usage_events_product_at_actor_kind_idx`,
 * one probe per product, instead of reading every event.
 */
async function productsWithEvents(db: Kysely<Database>): Promise<string[]> {
  const rows = await sql<{ product_id: string }>`
    with recursive p (product_id) as (
      (select product_id from usage_events order by product_id limit 1)
      union all
      select (select e.product_id from usage_events e where e.product_id > p.product_id order by e.product_id limit 1)
      from p where p.product_id is not null
    )
    select product_id from p where product_id is not null`.execute(db)
  return rows.rows.map((r) => r.product_id)
}

/**
 * One batch of one product's old events.
 *
 * Inputs: the product, the cut-off, the batch size. Output: how many went.
 * Reads a range of `usage_events_product_at_actor_kind_idx` (product_id, at), oldest first.
 * Locks: the rows it deletes, `SKIP LOCKED`; ingestion only inserts, so it never waits on them.
 * Invariants: no rollup and no pending event changes.
 */
async function deleteEventBatch(db: Kysely<Database>, productId: string, before: Date, batch: number) {
  const result = await sql`
    with doomed as (
      select id from usage_events
      where product_id = ${productId} and at < ${before.toISOString()}::timestamptz
      order by at
      limit ${batch}
      for update skip locked
    )
    delete from usage_events e using doomed d where e.id = d.id`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** How many raw events `pruneUsageEvents` would delete now. */
export async function countPrunableUsageEvents(db: Kysely<Database>, before: Date): Promise<number> {
  let total = 0
  for (const productId of await productsWithEvents(db)) {
    const row = await sql<{ events: string }>`
      select count(*) as events from usage_events
      where product_id = ${productId} and at < ${before.toISOString()}::timestamptz`.execute(db)
    total += Number(row.rows[0]?.events ?? 0)
  }
  return total
}
