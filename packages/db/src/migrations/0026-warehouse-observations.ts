import { type Kysely, type Migration, sql } from 'kysely'

/**
 * What Steward sees of the warehouse, and what it costs (`cost_entries.kind` 'warehouse').
 *
 * `warehouse_queries`: each statement a step ran through `ctx.sql` (connection, the statement's
 * first line, time, rows), written with its attempt's logs in the finishing transaction. Appended
 * by every step, so no foreign keys (as logs and metrics); read by run.
 *
 * `table_observations`: a series per published table: row count (exact, or PostgreSQL's estimate
 * for large tables), the newest value of its timestamp column, its columns and types; or the
 * error that kept it from being observed. Keyed by table name, so it outlives a redeploy.
 */
export const warehouseObservations: Migration = {
  async up(db: Kysely<unknown>) {
    // Each priced warehouse statement is a cost entry of its own kind.
    await sql`alter table cost_entries drop constraint if exists cost_entries_kind_check`.execute(db)
    await sql`
      alter table cost_entries add constraint cost_entries_kind_check
        check (kind in ('compute', 'reported', 'warehouse'))`.execute(db)
    await sql`
      create table warehouse_queries (
        id bigint generated always as identity primary key,
        run_id uuid not null,
        step_run_id uuid,
        attempt_id uuid,
        connection text not null,
        -- The statement's first line, bounded by the writer: what the run page shows.
        statement text not null,
        ms double precision not null,
        row_count bigint not null,
        failed boolean not null default false,
        at timestamptz not null default now()
      )`.execute(db)
    await sql`create index warehouse_queries_run_idx on warehouse_queries (run_id, id)`.execute(db)
    // A deleted run takes its statements with it, as its logs go (0012): a trigger of its own, so
    // the one that deletes the other records is left as it is.
    await sql`
      create function steward_delete_warehouse_queries() returns trigger language plpgsql as $$
      begin
        delete from warehouse_queries where run_id = old.id;
        return old;
      end
      $$`.execute(db)
    await sql`
      create trigger runs_delete_warehouse_queries before delete on runs
      for each row execute function steward_delete_warehouse_queries()`.execute(db)
    await sql`
      create table table_observations (
        id bigint generated always as identity primary key,
        table_name text not null,
        connection text not null,
        observed_at timestamptz not null default now(),
        row_count bigint,
        row_count_estimated boolean not null default false,
        newest_at timestamptz,
        -- [{ name, type }] in table order; null when the table could not be read.
        columns jsonb,
        -- Why the table could not be observed (missing, warehouse unreachable), else null.
        error text,
        -- The warehouse did not answer: the connection's trouble, not the table's.
        unreachable boolean not null default false,
        -- The run whose end asked for this observation; null for the timer's.
        run_id uuid
      )`.execute(db)
    await sql`create index table_observations_table_idx on table_observations (table_name, observed_at desc)`.execute(
      db,
    )
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists table_observations`.execute(db)
    await sql`drop trigger if exists runs_delete_warehouse_queries on runs`.execute(db)
    await sql`drop function if exists steward_delete_warehouse_queries()`.execute(db)
    await sql`drop table if exists warehouse_queries`.execute(db)
    await sql`delete from cost_entries where kind = 'warehouse'`.execute(db)
    await sql`alter table cost_entries drop constraint if exists cost_entries_kind_check`.execute(db)
    await sql`alter table cost_entries add constraint cost_entries_kind_check check (kind in ('compute', 'reported'))`.execute(
      db,
    )
  },
}
