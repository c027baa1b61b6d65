import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Top consumers (a product's heaviest users over 30 days) count raw events per actor: with the
 * actor in the `(product_id, at)` index, that count is an index-only scan instead of a heap visit
 * per event (a popular product has tens of thousands a month).
 */
export const consumerIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create index usage_events_product_at_actor_idx on usage_events (product_id, at) include (actor_hash)`.execute(
      db,
    )
    await sql`drop index if exists usage_events_product_at_idx`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`create index usage_events_product_at_idx on usage_events (product_id, at)`.execute(db)
    await sql`drop index if exists usage_events_product_at_actor_idx`.execute(db)
  },
}
