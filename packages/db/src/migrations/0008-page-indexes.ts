import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Indexes the web pages need at 2,000 products, 1,000,000 runs and 10,000,000 usage events
 * (`npm run seed:large`, `npm run bench -- web-pages`):
 * - the alerts page's history: resolved incidents by when they resolved, for every product and
 *   for one (its count and its pages read the index, not 30,000 rows);
 * - "the last N days of every product" sums (portfolio, catalog): the `day` indexes of
 *   `usage_daily` and `cost_daily` carry the product and the figure, so those sums are index-only
 *   scans instead of a heap visit per row.
 */
export const pageIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create index incidents_resolved_idx on incidents (resolved_at desc, id) where status = 'resolved'`.execute(
      db,
    )
    await sql`create index incidents_product_resolved_idx on incidents (product_id, resolved_at desc, id) where status = 'resolved'`.execute(
      db,
    )
    await sql`drop index if exists usage_daily_day_idx`.execute(db)
    await sql`create index usage_daily_day_idx on usage_daily (day) include (product_id, events)`.execute(db)
    await sql`drop index if exists cost_daily_day_idx`.execute(db)
    await sql`create index cost_daily_day_idx on cost_daily (day) include (product_id, usd)`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop index if exists cost_daily_day_idx`.execute(db)
    await sql`create index cost_daily_day_idx on cost_daily (day)`.execute(db)
    await sql`drop index if exists usage_daily_day_idx`.execute(db)
    await sql`create index usage_daily_day_idx on usage_daily (day)`.execute(db)
    await sql`drop index if exists incidents_product_resolved_idx`.execute(db)
    await sql`drop index if exists incidents_resolved_idx`.execute(db)
  },
}
