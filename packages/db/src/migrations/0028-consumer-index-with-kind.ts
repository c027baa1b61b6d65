import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Top consumers leave catalog views out (`kind`), so with only the actor in the `(product_id, at)`
 * index their count visited the heap for every event of a busy product again. With the kind in
 * the index too, the count is index-only once more; the range reads of retention use it as before.
 */
export const consumerIndexWithKind: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create index usage_events_product_at_actor_kind_idx on usage_events (product_id, at) include (actor_hash, kind)`.execute(
      db,
    )
    await sql`drop index if exists usage_events_product_at_actor_idx`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`create index usage_events_product_at_actor_idx on usage_events (product_id, at) include (actor_hash)`.execute(
      db,
    )
    await sql`drop index if exists usage_events_product_at_actor_kind_idx`.execute(db)
  },
}
