import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Partitions and backfills: a pipeline's partition scheme (as deployed), the backfill a run
 * belongs to, and backfills themselves. A backfill's runs are all created at once (so it can be
 * resumed and counted from SQL alone) and admitted `concurrency` at a time, like
 * `maxConcurrentRuns` but per backfill.
 */
export const partitionsAndBackfills: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table pipelines add column partitions jsonb`.execute(db)
    await sql`
      create table backfills (
        id uuid primary key,
        pipeline_id text not null references pipelines (id),
        status text not null default 'running',
        range_from text,
        range_to text,
        mode text not null default 'all',
        concurrency integer not null,
        with_downstream boolean not null default false,
        parent_id uuid references backfills (id),
        partition_count integer not null default 0,
        created_at timestamptz not null default now(),
        finished_at timestamptz,
        cancel_requested_at timestamptz
      )`.execute(db)
    await sql`create index backfills_pipeline_idx on backfills (pipeline_id, created_at desc)`.execute(db)
    await sql`alter table runs add column backfill_id uuid references backfills (id)`.execute(db)
    await sql`create index runs_backfill_idx on runs (backfill_id, status) where backfill_id is not null`.execute(
      db,
    )
    await sql`create index runs_partition_idx on runs (pipeline_id, partition_key, created_at desc) where partition_key is not null`.execute(
      db,
    )
  },

  async down(db: Kysely<unknown>) {
    await sql`drop index if exists runs_partition_idx`.execute(db)
    await sql`drop index if exists runs_backfill_idx`.execute(db)
    await sql`alter table runs drop column if exists backfill_id`.execute(db)
    await sql`drop table if exists backfills`.execute(db)
    await sql`alter table pipelines drop column if exists partitions`.execute(db)
  },
}
