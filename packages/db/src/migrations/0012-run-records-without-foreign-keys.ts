import { type Kysely, type Migration, sql } from 'kysely'

/** The foreign keys of the tables every step appends to, and what each referenced. */
const dropped = [
  { table: 'attempts', column: 'step_run_id', references: 'step_runs' },
  { table: 'attempts', column: 'run_id', references: 'runs' },
  { table: 'cost_entries', column: 'run_id', references: 'runs' },
  { table: 'cost_entries', column: 'step_run_id', references: 'step_runs' },
  { table: 'cost_entries', column: 'attempt_id', references: 'attempts' },
  { table: 'cost_entries', column: 'product_id', references: 'products' },
  { table: 'metrics', column: 'run_id', references: 'runs' },
  { table: 'metrics', column: 'step_run_id', references: 'step_runs' },
  { table: 'metrics', column: 'attempt_id', references: 'attempts' },
  { table: 'logs', column: 'run_id', references: 'runs' },
  { table: 'logs', column: 'step_run_id', references: 'step_runs' },
  { table: 'logs', column: 'attempt_id', references: 'attempts' },
] as const

/**
 * A run's attempts, cost entries, metrics and logs without foreign keys (issue 3, W2). Each key
 * made every inserted row run a query that locks the referenced row (`for key share`): about eight
 * per step, on rows other transactions are updating, which cost the engine's hot path about 15 % of
 * PostgreSQL's time. Only the engine writes these rows, for a run whose lock or claimed attempt it
 * holds, so they cannot point nowhere. What the keys' `on delete cascade` did, a trigger does: a
 * deleted run takes its records with it, before its step runs go by their own key's cascade (each
 * delete uses an index: by run, and attempts by step run).
 */
export const runRecordsWithoutForeignKeys: Migration = {
  async up(db: Kysely<unknown>) {
    for (const { table, column } of dropped)
      await sql`alter table ${sql.table(table)} drop constraint if exists ${sql.id(`${table}_${column}_fkey`)}`.execute(
        db,
      )
    await sql`
      create function steward_delete_run_records() returns trigger language plpgsql as $$
      begin
        delete from logs where run_id = old.id;
        delete from metrics where run_id = old.id;
        delete from cost_entries where run_id = old.id;
        delete from attempts where step_run_id in (select id from step_runs where run_id = old.id);
        return old;
      end
      $$`.execute(db)
    await sql`
      create trigger runs_delete_records before delete on runs
      for each row execute function steward_delete_run_records()`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists runs_delete_records on runs`.execute(db)
    await sql`drop function if exists steward_delete_run_records()`.execute(db)
    for (const { table, column, references } of dropped) {
      const onDelete = references === 'products' ? sql`` : sql`on delete cascade`
      await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_${column}_fkey`)}
        foreign key (${sql.id(column)}) references ${sql.table(references)} (id) ${onDelete}`.execute(db)
    }
  },
}
