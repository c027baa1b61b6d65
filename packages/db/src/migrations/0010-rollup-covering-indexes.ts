import { type Kysely, type Migration, sql } from 'kysely'

/**
 * The catalog's 30-day figures of every product, index-only: with the kind in the `usage_daily`
 * day index (views are one kind), the count in the `usage_last_seen_days` one, and alerts sent
 * counted from a `notifications` index by time (measured at 2,000 products, 400 days and 84,000
 * notifications: the usage sum 173 → 62 ms, alerts 82 ms of table scan → an index range).
 */
export const rollupCoveringIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`drop index if exists usage_daily_day_idx`.execute(db)
    await sql`create index usage_daily_day_idx on usage_daily (day) include (product_id, kind, events)`.execute(
      db,
    )
    await sql`drop index if exists usage_last_seen_days_day_idx`.execute(db)
    await sql`create index usage_last_seen_days_day_idx on usage_last_seen_days (day) include (product_id, actors)`.execute(
      db,
    )
    await sql`create index notifications_created_idx on notifications (created_at) include (product_id, kind)`.execute(
      db,
    )
  },

  async down(db: Kysely<unknown>) {
    await sql`drop index if exists notifications_created_idx`.execute(db)
    await sql`drop index if exists usage_last_seen_days_day_idx`.execute(db)
    await sql`create index usage_last_seen_days_day_idx on usage_last_seen_days (day)`.execute(db)
    await sql`drop index if exists usage_daily_day_idx`.execute(db)
    await sql`create index usage_daily_day_idx on usage_daily (day) include (product_id, events)`.execute(db)
  },
}
