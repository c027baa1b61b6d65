import { type Kysely, type Migration, sql } from 'kysely'

/**
 * The state of each `steward dev` reload loop, for the web UI (a separate process that reads SQL
 * only): when the project last deployed cleanly on save, and the problem of the last save if it
 * did not load. One row per project folder; `steward dev` writes it on start and on every save and
 * deletes it when it stops.
 */
export const devLoops: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table dev_loops (
        project_root text primary key,
        last_good_at timestamptz,
        -- Null while the last save loaded; otherwise its first problem, bounded by the writer.
        problem text,
        problem_file text,
        problem_line integer,
        problem_count integer not null default 0,
        updated_at timestamptz not null default now()
      )`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists dev_loops`.execute(db)
  },
}
