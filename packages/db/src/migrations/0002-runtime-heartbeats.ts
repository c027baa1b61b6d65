import { type Kysely, type Migration, sql } from 'kysely'

/**
 * What the worker runtime needs beyond 0001: a heartbeat per running attempt, so the reconciler can
 * tell a worker that died (`kill -9`, a lost machine) from a step that is merely slow, and the
 * attempt a cost entry belongs to (compute cost is measured per attempt, retries included).
 */
export const runtimeHeartbeats: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table attempts add column heartbeat_at timestamptz`.execute(db)
    await sql`create index attempts_running_idx on attempts (heartbeat_at) where status = 'running'`.execute(
      db,
    )
    await sql`alter table cost_entries add column attempt_id uuid references attempts (id) on delete cascade`.execute(
      db,
    )
  },

  async down(db: Kysely<unknown>) {
    await sql`alter table cost_entries drop column if exists attempt_id`.execute(db)
    await sql`drop index if exists attempts_running_idx`.execute(db)
    await sql`alter table attempts drop column if exists heartbeat_at`.execute(db)
  },
}
