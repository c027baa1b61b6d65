import { type Kysely, type Migration, sql } from 'kysely'

/**
 * The indexes behind the runs list (`GET /api/v1/runs`, `steward runs list`): newest first, in the
 * total order `created_at desc, id desc`, so a page's cursor is a bound of the index scan. Runs
 * created by one statement (a backfill, plain runs started together) share `created_at`, hence the
 * id in each key. The pipeline and product indexes keep their names and gain the id (every reader
 * of them by creation time still finds them); the list of all runs gets its own.
 */
export const runListIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`drop index if exists runs_pipeline_created_idx`.execute(db)
    await sql`create index runs_pipeline_created_idx on runs (pipeline_id, created_at desc, id desc)`.execute(
      db,
    )
    await sql`drop index if exists runs_product_created_idx`.execute(db)
    await sql`create index runs_product_created_idx on runs (product_id, created_at desc, id desc)`.execute(
      db,
    )
    await sql`create index runs_created_idx on runs (created_at desc, id desc)`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop index if exists runs_created_idx`.execute(db)
    await sql`drop index if exists runs_product_created_idx`.execute(db)
    await sql`create index runs_product_created_idx on runs (product_id, created_at desc)`.execute(db)
    await sql`drop index if exists runs_pipeline_created_idx`.execute(db)
    await sql`create index runs_pipeline_created_idx on runs (pipeline_id, created_at desc)`.execute(db)
  },
}
