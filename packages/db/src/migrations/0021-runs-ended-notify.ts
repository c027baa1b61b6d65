import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Every run that ends says so on the channel `steward_runs_ended` (`runsEndedChannel`), whichever
 * statement ended it: a worker's finishing group, a cancel from the web or the CLI, the reconciler
 * failing a lost worker's step, or any path added later. The alert evaluator LISTENs there, so a
 * process that did not end the run learns of it without waiting for its poll.
 *
 * NOTIFY is transactional: it is delivered once the transaction commits, and identical payloads
 * of one transaction are folded into one, so the payload is empty (the evaluator reads what ended
 * from SQL behind its cursor) and a group that ends a hundred runs sends one notification. A NOTIFY
 * serialises commits that notify, which only transactions that end a run pay.
 */
export const runsEndedNotify: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create function steward_notify_run_ended() returns trigger language plpgsql as $$
      begin
        perform pg_notify('steward_runs_ended', '');
        return null;
      end $$`.execute(db)
    await sql`
      create trigger runs_ended_notify after update of status on runs
      for each row
      when (new.status in ('succeeded', 'failed', 'cancelled') and old.status is distinct from new.status)
      execute function steward_notify_run_ended()`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists runs_ended_notify on runs`.execute(db)
    await sql`drop function if exists steward_notify_run_ended()`.execute(db)
  },
}
