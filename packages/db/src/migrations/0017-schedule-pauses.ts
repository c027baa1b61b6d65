import { type Kysely, type Migration, sql } from 'kysely'

/**
 * A pipeline's schedule can be paused and resumed by people (UI, CLI, API), apart from its
 * definition: the columns live on `pipelines` and deploy never writes them, so a pause holds
 * across deploys. `schedule_changed_at` is the last pause or resume: the health check counts no
 * fire before it as missed.
 */
export const schedulePauses: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      alter table pipelines
        add column schedule_paused_at timestamptz,
        add column schedule_paused_by text,
        add column schedule_changed_at timestamptz`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`
      alter table pipelines
        drop column if exists schedule_paused_at,
        drop column if exists schedule_paused_by,
        drop column if exists schedule_changed_at`.execute(db)
  },
}
