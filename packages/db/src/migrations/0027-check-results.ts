import { type Kysely, type Migration, sql } from 'kysely'

/**
 * `check_results`: one row per check of a published table, each time the step that writes the
 * table finished its code (`packages/engine/src/warehouse/run-checks.ts`). Written with the
 * attempt's logs in its finishing transaction, so no foreign keys (as logs and statements); read
 * by run (the run page) and by product and time (the product page, the `checkFailed` rule).
 */
export const checkResults: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table check_results (
        id bigint generated always as identity primary key,
        run_id uuid not null,
        step_run_id uuid,
        attempt_id uuid,
        product_id text not null,
        table_name text not null,
        -- The check's name (declared, or made from the check: not_null(host)).
        check_name text not null,
        check_kind text not null,
        severity text not null check (severity in ('warn', 'error')),
        -- failed: the data breaks the check; error: the check could not be run (its SQL failed).
        status text not null check (status in ('passed', 'failed', 'error')),
        failing_count bigint,
        -- At most 5 failing rows, personal columns left out, each value bounded by the writer.
        sample jsonb,
        error text,
        duration_ms double precision not null,
        checked_at timestamptz not null default now()
      )`.execute(db)
    await sql`create index check_results_run_idx on check_results (run_id, id)`.execute(db)
    await sql`create index check_results_product_idx on check_results (product_id, checked_at desc)`.execute(
      db,
    )
    // A deleted run takes its results with it, as its statements go (0026).
    await sql`
      create function steward_delete_check_results() returns trigger language plpgsql as $$
      begin
        delete from check_results where run_id = old.id;
        return old;
      end
      $$`.execute(db)
    await sql`
      create trigger runs_delete_check_results before delete on runs
      for each row execute function steward_delete_check_results()`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists runs_delete_check_results on runs`.execute(db)
    await sql`drop function if exists steward_delete_check_results()`.execute(db)
    await sql`drop table if exists check_results`.execute(db)
  },
}
