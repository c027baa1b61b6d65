import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Usage and cost (issue 5). Raw usage events are kept; rollups beside them answer the pages and
 * the reading API without scanning the raw rows:
 * - `usage_daily`: events per product × local day × kind;
 * - `usage_period_actors` + `usage_period_uniques`: the distinct actors of each product's day, week
 *   and month, and their count, kept current in the statement that stores the events;
 * - `usage_actor_last_seen` + `usage_last_seen_days`: each actor's last active day per product,
 *   and how many actors were last seen on each day, so "users in the last 30 days" is a sum over
 *   30 small rows (every actor active in the window has its last day inside it, and only those);
 * - `cost_daily`: cost per product × local day (summed over a few shard rows), kept by a
 *   trigger on `cost_entries`, so the runtime that writes cost entries needs no change.
 * Local days, weeks and months follow the one row of `usage_settings`; changing it rebuilds the
 * rollups (`@steward/usage` `applyUsageSettings`). Actors are only ever stored as
 * HMAC-SHA256(salt, actor) in hex; API tokens only as their sha256.
 *
 * No foreign keys to products here: a key check is a trigger per row, which costs more than the
 * rest of an ingest (ingestion checks product ids itself, and products are archived, never deleted).
 * The `day` indexes serve the "last 30 days of every product" queries (catalog, zombies).
 */
export const usageAndCost: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table usage_settings (
        id boolean primary key default true check (id),
        timezone text not null default 'UTC',
        week_starts_on text not null default 'monday' check (week_starts_on in ('monday', 'sunday')),
        updated_at timestamptz not null default now()
      )`.execute(db)
    await sql`insert into usage_settings (id) values (true)`.execute(db)

    await sql`
      create table usage_events (
        id bigint generated always as identity primary key,
        product_id text not null,
        kind text not null,
        actor_hash text not null,
        at timestamptz not null,
        source text,
        -- Who delivered it: 'token:<api token id>', 'web' (the UI's own pages). Client ids are unique per origin.
        origin text not null,
        client_id text,
        meta jsonb,
        received_at timestamptz not null default now()
      )`.execute(db)
    await sql`create index usage_events_product_at_idx on usage_events (product_id, at)`.execute(db)
    await sql`
      create unique index usage_events_client_id_idx on usage_events (origin, client_id)
      where client_id is not null`.execute(db)

    await sql`
      create table usage_daily (
        product_id text not null,
        day date not null,
        kind text not null,
        events bigint not null,
        primary key (product_id, day, kind)
      )`.execute(db)

    await sql`create index usage_daily_day_idx on usage_daily (day)`.execute(db)

    await sql`
      create table usage_period_actors (
        product_id text not null,
        grain text not null check (grain in ('day', 'week', 'month')),
        period date not null,
        actor_hash text not null,
        primary key (product_id, grain, period, actor_hash)
      )`.execute(db)
    await sql`
      create table usage_period_uniques (
        product_id text not null,
        grain text not null check (grain in ('day', 'week', 'month')),
        period date not null,
        actors integer not null,
        primary key (product_id, grain, period)
      )`.execute(db)

    await sql`
      create table usage_actor_last_seen (
        product_id text not null,
        actor_hash text not null,
        last_day date not null,
        -- The last_day this row had before its latest move, returned by the upsert that moves it.
        prev_day date,
        primary key (product_id, actor_hash)
      )`.execute(db)
    await sql`
      create table usage_last_seen_days (
        product_id text not null,
        day date not null,
        actors integer not null,
        primary key (product_id, day)
      )`.execute(db)

    await sql`create index usage_last_seen_days_day_idx on usage_last_seen_days (day)`.execute(db)

    await sql`
      create table actor_labels (
        actor_hash text primary key,
        label text not null,
        updated_at timestamptz not null default now()
      )`.execute(db)

    await sql`
      create table api_tokens (
        id uuid primary key,
        name text not null,
        token_hash text not null unique,
        scopes text[] not null,
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`.execute(db)
    await sql`create unique index api_tokens_active_name_idx on api_tokens (name) where revoked_at is null`.execute(
      db,
    )

    await sql`
      create table cost_daily (
        product_id text not null,
        day date not null,
        -- Spreads a busy product's day over a few rows: every run that finishes adds to it inside
        -- its own transaction, and one row per day would make concurrent workers queue on its lock.
        shard smallint not null default 0,
        usd numeric(16, 6) not null,
        primary key (product_id, day, shard)
      )`.execute(db)
    await sql`create index cost_daily_day_idx on cost_daily (day)`.execute(db)
    await sql`
      create function steward_cost_daily_add() returns trigger language plpgsql as $$
      begin
        insert into cost_daily (product_id, day, shard, usd)
        select added.product_id, (added.at at time zone s.timezone)::date, pg_backend_pid() % 8, sum(added.usd)
        from added cross join (select timezone from usage_settings limit 1) s
        group by 1, 2
        order by 1, 2
        on conflict (product_id, day, shard) do update set usd = cost_daily.usd + excluded.usd;
        return null;
      end
      $$`.execute(db)
    await sql`
      create trigger cost_entries_daily after insert on cost_entries
      referencing new table as added
      for each statement execute function steward_cost_daily_add()`.execute(db)
    // Cost entries that exist before this migration.
    await sql`
      insert into cost_daily (product_id, day, usd)
      select product_id, (at at time zone 'UTC')::date, sum(usd) from cost_entries group by 1, 2`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists cost_entries_daily on cost_entries`.execute(db)
    await sql`drop function if exists steward_cost_daily_add()`.execute(db)
    for (const table of [
      'cost_daily',
      'api_tokens',
      'actor_labels',
      'usage_last_seen_days',
      'usage_actor_last_seen',
      'usage_period_uniques',
      'usage_period_actors',
      'usage_daily',
      'usage_events',
      'usage_settings',
    ]) {
      await sql`drop table if exists ${sql.table(table)}`.execute(db)
    }
  },
}
