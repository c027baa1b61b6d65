import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Attempts updated in place (issue 3, W2), as step runs are since 0013. An attempt is inserted
 * running and updated when it ends. With the partial index on running attempts
 * (`attempts_running_idx`), that update changed an indexed column, so it wrote a new entry into
 * every index of the table; and the index, full of attempts long finished until vacuum reaches it,
 * misled the finishing statement's plan into reading thousands of its entries per call. Without
 * it, and with room left on each page (fillfactor 50), the update is HOT: 14.6 → 10.8 WAL records
 * per W2 step.
 *
 * Running attempts are found through their runs instead: active runs (`runs_active_idx`), and runs
 * that ended while some of their steps still ran (a sibling failed for good), which stay `draining`
 * until the last of those steps stops, so the reconciler still sees a dead worker's attempt there.
 */
export const attemptsUpdatedInPlace: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`drop index if exists attempts_running_idx`.execute(db)
    await sql`alter table attempts set (fillfactor = 50)`.execute(db)
    await sql`alter table runs add column draining boolean not null default false`.execute(db)
    await sql`
      update runs r set draining = true
      where r.status in ('succeeded', 'failed', 'cancelled')
        and exists (select 1 from attempts a where a.run_id = r.id and a.status = 'running')
    `.execute(db)
    await sql`create index runs_draining_idx on runs (id) where draining`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop index if exists runs_draining_idx`.execute(db)
    await sql`alter table runs drop column draining`.execute(db)
    await sql`alter table attempts reset (fillfactor)`.execute(db)
    await sql`create index attempts_running_idx on attempts (heartbeat_at) where status = 'running'`.execute(
      db,
    )
  },
}
