import type { Database } from '@steward/db'
import { type Kysely, sql } from 'kysely'
import { usageError } from '../errors.ts'
import { hashActor } from '../hash-actor.ts'
import { maxBatchSize, type RejectedEvent, validateBatch } from './event-schema.ts'
import { foldPendingUsage, partOf } from './fold-pending.ts'

export interface IngestOptions {
  /** STEWARD_USAGE_SALT: actors are stored as HMAC-SHA256(salt, actor). */
  salt: string
  /** Who delivers the batch: `token:<id>` for the API and the pixel, `web` for the UI's pages. Client ids are unique per origin. */
  origin: string
  /** Default time of events without `at` (tests pin it). */
  now?: Date
  /** A token limited to products: events for any other product are refused (field `product`). */
  products?: readonly string[] | null
}

/**
 * What became of a batch. Every index that is not in `rejected` was accepted: stored now, or
 * listed in `duplicates` when an event with the same `id` from the same origin was stored before
 * (or earlier in this batch). Accepted events are never dropped because others were bad.
 */
export interface IngestResult {
  /** Events accepted (stored + duplicates). */
  accepted: number
  stored: number
  /** Indexes of accepted events that were already stored (same `id`), so not counted again. */
  duplicates: number[]
  rejected: RejectedEvent[]
}

/**
 * Validates a batch (≤ 1,000 events), hashes the actors, and stores the valid events in one SQL
 * statement, queued for the rollups in the same statement. Then it counts what is queued into the
 * rollups (one batch of at most 5,000) unless a fold is running already: without concurrent
 * batches the rollups are current when this returns; under load the request does not wait, and
 * the periodic folder (startUsageFolding, in the web server) counts many batches in one pass.
 * Idempotent per event `id`. A deadlock between concurrent batches repeating the same ids is retried.
 */
export async function ingestEvents(
  db: Kysely<Database>,
  events: readonly unknown[],
  options: IngestOptions,
): Promise<IngestResult> {
  if (events.length > maxBatchSize) {
    throw usageError(
      'USAGE_BATCH_INVALID',
      `a batch holds at most ${maxBatchSize} events (got ${events.length}): split it`,
    )
  }
  const { valid, rejected } = validateBatch(events)
  const productIds = [...new Set(valid.map((v) => v.event.product))]
  const known =
    productIds.length === 0
      ? new Set<string>()
      : new Set(
          (await db.selectFrom('products').select('id').where('id', 'in', productIds).execute()).map(
            (r) => r.id,
          ),
        )
  const allowed = options.products ? new Set(options.products) : undefined
  const kept = valid.filter(({ index, event }) => {
    if (allowed && !allowed.has(event.product)) {
      const limit = [...allowed].join(', ')
      rejected.push({ index, field: 'product', message: `this token is limited to the products ${limit}` })
      return false
    }
    if (known.has(event.product)) return true
    rejected.push({ index, field: 'product', message: `no product "${event.product}" is deployed` })
    return false
  })
  rejected.sort((a, b) => a.index - b.index)

  // A repeated id inside the batch: the first one is stored, the rest are duplicates.
  const duplicates: number[] = []
  const firstWithId = new Map<string, number>()
  const toStore = kept.filter(({ index, event }) => {
    if (event.id === undefined) return true
    if (firstWithId.has(event.id)) {
      duplicates.push(index)
      return false
    }
    firstWithId.set(event.id, index)
    return true
  })
  if (toStore.length === 0) return { accepted: kept.length, stored: 0, duplicates, rejected }

  const now = (options.now ?? new Date()).toISOString()
  // A batch often repeats its actors: hash each once.
  const hashes = new Map<string, string>()
  const hashOf = (actor: string) => {
    let hash = hashes.get(actor)
    if (hash === undefined) {
      hash = hashActor(options.salt, actor)
      hashes.set(actor, hash)
    }
    return hash
  }
  const { storedIds, parts } = await withDeadlockRetry(() =>
    storeEvents(db, options.origin, {
      products: toStore.map((v) => v.event.product),
      kinds: toStore.map((v) => v.event.kind),
      actors: toStore.map((v) => hashOf(v.event.actor)),
      ats: toStore.map((v) => v.event.at?.toISOString() ?? now),
      sources: toStore.map((v) => v.event.source ?? null),
      clientIds: toStore.map((v) => v.event.id ?? null),
      metas: toStore.map((v) => (v.event.meta === undefined ? null : JSON.stringify(v.event.meta))),
    }),
  )
  // The events are stored whatever happens here: a failed fold is retried by the next one, and
  // the periodic folder (startUsageFolding) reports the error.
  if (parts.length > 0) {
    await foldPendingUsage(db, { batch: 5 * maxBatchSize, maxBatches: 1, parts }).catch(() => {})
  }
  let stored = 0
  for (const { index, event } of toStore) {
    if (event.id === undefined || storedIds.has(event.id)) stored++
    else duplicates.push(index)
  }
  duplicates.sort((a, b) => a - b)
  return { accepted: kept.length, stored, duplicates, rejected }
}

interface EventColumns {
  products: string[]
  kinds: string[]
  actors: string[]
  ats: string[]
  sources: (string | null)[]
  clientIds: (string | null)[]
  metas: (string | null)[]
}

/**
 * The one statement: insert the events (skipping client ids already stored) and queue the rows
 * actually inserted for the rollups (`usage_pending`, counted by foldPendingUsage). Answers the
 * client ids stored and the fold parts the new events went to.
 */
async function storeEvents(
  db: Kysely<Database>,
  origin: string,
  c: EventColumns,
): Promise<{ storedIds: Set<string>; parts: number[] }> {
  const result = await sql<{ client_id: string | null; part: number | null }>`
    with input as (
      select * from unnest(
        ${c.products}::text[], ${c.kinds}::text[], ${c.actors}::text[], ${c.ats}::timestamptz[],
        ${c.sources}::text[], ${c.clientIds}::text[], ${c.metas}::jsonb[]
      ) as t (product_id, kind, actor_hash, at, source, client_id, meta)
    ),
    stored as (
      insert into usage_events (product_id, kind, actor_hash, at, source, origin, client_id, meta)
      select product_id, kind, actor_hash, at, source, ${origin}, client_id, meta from input
      on conflict (origin, client_id) where client_id is not null do nothing
      returning product_id, kind, actor_hash, at, client_id
    ),
    pending as (
      insert into usage_pending (product_id, kind, actor_hash, at)
      select product_id, kind, actor_hash, at from stored
    )
    select client_id, null::int as part from stored where client_id is not null
    union all
    select distinct null, ${partOf(sql.ref('product_id'))} from stored`.execute(db)
  const storedIds = new Set<string>()
  const parts: number[] = []
  for (const row of result.rows) {
    if (row.client_id !== null) storedIds.add(row.client_id)
    if (row.part !== null) parts.push(row.part)
  }
  return { storedIds, parts }
}

const transientCodes = new Set(['40P01', '40001'])

async function withDeadlockRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      const code = (error as { code?: string }).code
      if (attempt >= 8 || !code || !transientCodes.has(code)) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt))
    }
  }
}
