import type { Database } from '@steward/db'
import { type Kysely, sql } from 'kysely'
import { usageError } from '../errors.ts'
import { hashActor } from '../hash-actor.ts'
import { localDay, monthOf, weekOf } from '../settings/calendar-sql.ts'
import { maxBatchSize, type RejectedEvent, validateBatch } from './event-schema.ts'

export interface IngestOptions {
  /** STEWARD_USAGE_SALT: actors are stored as HMAC-SHA256(salt, actor). */
  salt: string
  /** Who delivers the batch: `token:<id>` for the API and the pixel, `web` for the UI's pages. Client ids are unique per origin. */
  origin: string
  /** Default time of events without `at` (tests pin it). */
  now?: Date
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
 * Validates a batch (≤ 1,000 events), hashes the actors, and stores the valid events with every
 * rollup in one SQL statement, so the rollups always equal the raw events. Idempotent per event
 * `id`. A deadlock between concurrent batches (they update the same rollup rows) is retried.
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
  const kept = valid.filter(({ index, event }) => {
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
  const storedIds = await withDeadlockRetry(() =>
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
 * The one statement: insert the events (skipping client ids already stored), then from the rows
 * actually inserted: events per day and kind, the distinct actors of each day, week and month
 * (and their counts, raised only by actors new to the period), and each actor's last active day
 * (moving its count from the previous last day to the new one). Rows are sorted before each
 * upsert so concurrent batches take row locks in the same order. Answers the client ids stored.
 */
async function storeEvents(db: Kysely<Database>, origin: string, c: EventColumns): Promise<Set<string>> {
  const day = localDay(sql.ref('st.at'))
  const result = await sql<{ client_id: string | null }>`
    with s as (select timezone, week_starts_on from usage_settings limit 1),
    input as (
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
    local as (
      select st.product_id, st.kind, st.actor_hash, ${day} as day from stored st cross join s
    ),
    daily as (
      insert into usage_daily (product_id, day, kind, events)
      select product_id, day, kind, count(*) from local group by 1, 2, 3 order by 1, 2, 3
      on conflict (product_id, day, kind) do update set events = usage_daily.events + excluded.events
    ),
    new_actors as (
      insert into usage_period_actors (product_id, grain, period, actor_hash)
      select distinct l.product_id, g.grain, g.period, l.actor_hash
      from local l cross join s
      cross join lateral (values
        ('day', l.day), ('week', ${weekOf(sql.ref('l.day'))}), ('month', ${monthOf(sql.ref('l.day'))})
      ) as g (grain, period)
      order by 1, 2, 3, 4
      on conflict do nothing
      returning product_id, grain, period
    ),
    uniques as (
      insert into usage_period_uniques (product_id, grain, period, actors)
      select product_id, grain, period, count(*) from new_actors group by 1, 2, 3 order by 1, 2, 3
      on conflict (product_id, grain, period) do update set actors = usage_period_uniques.actors + excluded.actors
    ),
    moved as (
      insert into usage_actor_last_seen (product_id, actor_hash, last_day)
      select product_id, actor_hash, max(day) from local group by 1, 2 order by 1, 2
      on conflict (product_id, actor_hash) do update
        set prev_day = usage_actor_last_seen.last_day, last_day = excluded.last_day
        where excluded.last_day > usage_actor_last_seen.last_day
      returning product_id, last_day, prev_day
    ),
    last_seen as (
      insert into usage_last_seen_days (product_id, day, actors)
      select product_id, day, sum(delta) from (
        select product_id, last_day as day, 1 as delta from moved
        union all
        select product_id, prev_day, -1 from moved where prev_day is not null
      ) d
      group by 1, 2 having sum(delta) <> 0 order by 1, 2
      on conflict (product_id, day) do update set actors = usage_last_seen_days.actors + excluded.actors
    )
    select client_id from stored where client_id is not null`.execute(db)
  return new Set(result.rows.map((r) => r.client_id as string))
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
