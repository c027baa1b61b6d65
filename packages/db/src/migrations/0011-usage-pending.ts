import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Events stored but not yet counted in the rollups. Ingestion appends here beside `usage_events`
 * and one folder at a time moves them into the rollups in large batches, so concurrent batches no
 * longer queue on the same rollup rows (issue 5: 3,000 → 20,000 events/s). No index: the folder
 * takes rows by `ctid` and deletes them in the statement that counts them.
 */
export const usagePending: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table usage_pending (
        product_id text not null,
        kind text not null,
        actor_hash text not null,
        at timestamptz not null,
        -- When it was stored: the health check reports a queue nobody folds.
        queued_at timestamptz not null default now()
      )`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists usage_pending`.execute(db)
  },
}
