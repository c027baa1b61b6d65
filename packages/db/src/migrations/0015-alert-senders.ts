import { type Kysely, type Migration, sql } from 'kysely'

/**
 * The processes that can send alerts to Slack (issue 19): whether a notification can be sent is
 * decided where it is delivered, so a process without Slack settings leaves it pending for one
 * that has them. Each delivering process keeps a row here (beating while it runs, `closed_at` when
 * it stops), so any process (the web's health check) can tell "waiting for Slack" from "nobody can
 * send". Older rows are pruned by the senders themselves.
 */
export const alertSenders: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table alert_senders (
        id text primary key,
        started_at timestamptz not null default now(),
        seen_at timestamptz not null default now(),
        closed_at timestamptz
      )`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists alert_senders`.execute(db)
  },
}
