import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Two audiences for an alert (issue 19): the owners' channels get the technical message, the
 * stakeholders' channels a plain one about the product. An incident records which of its
 * destinations are the stakeholders' (`stakeholder_destinations`, a subset of `destinations`),
 * whom the owners' message mentions (`mentions`: Slack user ids `U…`/`W…` and user group ids
 * `S…`, chosen by severity when it opened) and when the data was last good (the newest successful
 * run before it opened), so every later render (grouping, resolve, acknowledgement) says the same.
 * `update` notifications edit the first message of an incident's channel (an acknowledgement or a
 * snooze), through the outbox like every other message. A destination Slack refuses for good
 * (`channel_not_found`, `not_in_channel`, `invalid_auth`…) is recorded on its channel row
 * (`refused_reason`, `refused_at`) until a message gets through, for the product page and health.
 */
export const alertAudiences: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      alter table incidents
        add column stakeholder_destinations text[] not null default '{}',
        add column mentions text[] not null default '{}',
        add column last_good_at timestamptz`.execute(db)
    await sql`
      alter table alert_channels
        add column refused_reason text,
        add column refused_at timestamptz`.execute(db)
    await sql`alter table notifications drop constraint if exists notifications_kind_check`.execute(db)
    await sql`
      alter table notifications add constraint notifications_kind_check
        check (kind in ('first', 'follow_up', 'resolved', 'reminder', 'digest', 'delivery_problem', 'update'))`.execute(
      db,
    )
  },

  async down(db: Kysely<unknown>) {
    await sql`delete from notifications where kind = 'update'`.execute(db)
    await sql`alter table notifications drop constraint if exists notifications_kind_check`.execute(db)
    await sql`
      alter table notifications add constraint notifications_kind_check
        check (kind in ('first', 'follow_up', 'resolved', 'reminder', 'digest', 'delivery_problem'))`.execute(
      db,
    )
    await sql`alter table alert_channels drop column if exists refused_reason, drop column if exists refused_at`.execute(
      db,
    )
    await sql`
      alter table incidents
        drop column if exists stakeholder_destinations,
        drop column if exists mentions,
        drop column if exists last_good_at`.execute(db)
  },
}
