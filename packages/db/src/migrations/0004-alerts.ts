import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Alerts: rules on products (pipelines already carry theirs), incidents (one firing of a rule for
 * one subject), the Slack outbox (`notifications`), the per-channel pacing state the delivery loop
 * leases, and the evaluator's cursor over finished runs.
 */
export const alerts: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table products add column alert_rules jsonb not null default '[]'`.execute(db)
    // The evaluator reads runs by the time they finished, past its cursor.
    await sql`create index runs_finished_at_idx on runs (finished_at) where finished_at is not null`.execute(
      db,
    )

    await sql`
      create table incidents (
        id uuid primary key,
        rule_key text not null,
        rule_kind text not null,
        subject_key text not null,
        product_id text not null references products (id),
        pipeline_id text references pipelines (id),
        step_id text,
        severity text not null,
        title text not null,
        detail text not null default '',
        runbook text,
        destinations text[] not null default '{}',
        status text not null check (status in ('open', 'resolved')),
        fire_count integer not null default 1,
        opened_at timestamptz not null,
        last_fired_at timestamptz not null,
        resolved_at timestamptz,
        resolved_reason text,
        acked_at timestamptz,
        acked_by text,
        snoozed_until timestamptz,
        snoozed_by text,
        remind_every_seconds integer,
        last_reminded_at timestamptz
      )`.execute(db)
    // One open incident per rule and subject: repeats update it.
    await sql`create unique index incidents_open_key on incidents (rule_key, subject_key) where status = 'open'`.execute(
      db,
    )
    await sql`create index incidents_product_idx on incidents (product_id, opened_at)`.execute(db)

    await sql`
      create table notifications (
        id bigint generated always as identity primary key,
        destination text not null,
        product_id text not null references products (id),
        rule_key text not null,
        incident_id uuid references incidents (id) on delete cascade,
        kind text not null check (kind in ('first', 'follow_up', 'resolved', 'reminder', 'digest', 'delivery_problem')),
        payload jsonb not null,
        status text not null check (status in ('pending', 'sent', 'failed', 'not_sent_no_token')),
        attempts integer not null default 0,
        last_error text,
        slack_channel text,
        slack_ts text,
        thread_ts text,
        first_updated_at timestamptz,
        created_at timestamptz not null,
        sent_at timestamptz
      )`.execute(db)
    await sql`create index notifications_pending_idx on notifications (destination, id) where status = 'pending'`.execute(
      db,
    )
    await sql`create index notifications_incident_idx on notifications (incident_id, destination, kind)`.execute(
      db,
    )
    await sql`create index notifications_product_idx on notifications (product_id, created_at)`.execute(db)

    await sql`
      create table alert_channels (
        destination text primary key,
        next_send_at timestamptz not null,
        group_until timestamptz,
        lease_owner text,
        lease_until timestamptz,
        last_sent_at timestamptz
      )`.execute(db)

    await sql`
      create table alert_cursors (
        name text primary key,
        position timestamptz not null
      )`.execute(db)
    // Runs the evaluator has handled: with an overlapping cursor, a run whose transaction committed late is still seen once.
    await sql`
      create table alert_evaluated_runs (
        run_id uuid primary key,
        finished_at timestamptz not null
      )`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists alert_evaluated_runs`.execute(db)
    await sql`drop table if exists alert_cursors`.execute(db)
    await sql`drop table if exists alert_channels`.execute(db)
    await sql`drop table if exists notifications`.execute(db)
    await sql`drop table if exists incidents`.execute(db)
    await sql`drop index if exists runs_finished_at_idx`.execute(db)
    await sql`alter table products drop column if exists alert_rules`.execute(db)
  },
}
