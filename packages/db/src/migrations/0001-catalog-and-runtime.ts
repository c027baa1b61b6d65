import { type Kysely, type Migration, sql } from 'kysely'

/**
 * The catalog (products, pipelines and their version history) and the runtime (runs, step runs,
 * attempts, metrics, logs, cost entries). SQL both PostgreSQL 15 and PGlite (PostgreSQL 18) accept.
 */
export const catalogAndRuntime: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table products (
        id text primary key,
        name text not null,
        description text not null default '',
        owners jsonb not null default '[]',
        stakeholders jsonb not null default '[]',
        docs_path text,
        docs_markdown text,
        links jsonb not null default '[]',
        tier text,
        tags text[] not null default '{}',
        freshness_max_age_seconds integer check (freshness_max_age_seconds > 0),
        budget_monthly_usd numeric(12, 2) check (budget_monthly_usd >= 0),
        definition_hash text not null,
        source_file text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        archived_at timestamptz
      )`.execute(db)

    await sql`
      create table pipelines (
        id text primary key,
        product_id text not null references products (id),
        name text not null,
        description text not null default '',
        definition_hash text not null,
        version integer not null check (version > 0),
        schedule_cron text,
        schedule_timezone text,
        triggers jsonb not null default '[]',
        params_schema jsonb not null default '{}',
        steps jsonb not null default '[]',
        max_concurrent_runs integer check (max_concurrent_runs > 0),
        alert_rules jsonb not null default '[]',
        source_file text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        archived_at timestamptz
      )`.execute(db)
    await sql`create index pipelines_product_idx on pipelines (product_id)`.execute(db)

    await sql`
      create table pipeline_versions (
        pipeline_id text not null references pipelines (id),
        version integer not null,
        definition_hash text not null,
        definition jsonb not null,
        deployed_at timestamptz not null default now(),
        primary key (pipeline_id, version)
      )`.execute(db)

    await sql`
      create table runs (
        id uuid primary key,
        pipeline_id text not null references pipelines (id),
        product_id text not null references products (id),
        pipeline_version integer not null,
        status text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        trigger text not null check (trigger in ('schedule', 'manual', 'event', 'upstream', 'backfill')),
        trigger_detail jsonb,
        params jsonb not null default '{}',
        partition_key text,
        error jsonb,
        cost_usd numeric(14, 6),
        created_at timestamptz not null default now(),
        started_at timestamptz,
        finished_at timestamptz,
        cancel_requested_at timestamptz
      )`.execute(db)
    await sql`create index runs_pipeline_created_idx on runs (pipeline_id, created_at desc)`.execute(db)
    await sql`create index runs_product_created_idx on runs (product_id, created_at desc)`.execute(db)
    await sql`create index runs_active_idx on runs (status) where status in ('queued', 'running')`.execute(db)

    await sql`
      create table step_runs (
        id uuid primary key,
        run_id uuid not null references runs (id) on delete cascade,
        step_id text not null,
        status text not null
          check (status in ('pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped')),
        needs text[] not null default '{}',
        attempt_count integer not null default 0,
        max_attempts integer not null check (max_attempts > 0),
        output jsonb,
        error jsonb,
        queued_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        unique (run_id, step_id)
      )`.execute(db)
    await sql`create index step_runs_active_idx on step_runs (status) where status in ('queued', 'running')`.execute(
      db,
    )

    await sql`
      create table attempts (
        id uuid primary key,
        step_run_id uuid not null references step_runs (id) on delete cascade,
        run_id uuid not null references runs (id) on delete cascade,
        number integer not null check (number > 0),
        status text not null check (status in ('running', 'succeeded', 'failed', 'timed_out', 'cancelled')),
        worker_id text,
        started_at timestamptz not null default now(),
        finished_at timestamptz,
        error jsonb,
        unique (step_run_id, number)
      )`.execute(db)

    await sql`
      create table metrics (
        id bigint generated always as identity primary key,
        run_id uuid not null references runs (id) on delete cascade,
        step_run_id uuid references step_runs (id) on delete cascade,
        attempt_id uuid references attempts (id) on delete cascade,
        pipeline_id text not null,
        product_id text not null,
        name text not null,
        value double precision not null,
        labels jsonb not null default '{}',
        recorded_at timestamptz not null default now()
      )`.execute(db)
    await sql`create index metrics_product_name_time_idx on metrics (product_id, name, recorded_at)`.execute(
      db,
    )
    await sql`create index metrics_run_idx on metrics (run_id)`.execute(db)

    await sql`
      create table logs (
        id bigint generated always as identity primary key,
        run_id uuid not null references runs (id) on delete cascade,
        step_run_id uuid references step_runs (id) on delete cascade,
        attempt_id uuid references attempts (id) on delete cascade,
        level text not null check (level in ('debug', 'info', 'warn', 'error')),
        message text not null,
        fields jsonb,
        at timestamptz not null default now()
      )`.execute(db)
    await sql`create index logs_run_idx on logs (run_id, id)`.execute(db)
    await sql`create index logs_attempt_idx on logs (attempt_id, id)`.execute(db)

    await sql`
      create table cost_entries (
        id bigint generated always as identity primary key,
        run_id uuid references runs (id) on delete cascade,
        step_run_id uuid references step_runs (id) on delete cascade,
        pipeline_id text,
        product_id text not null references products (id),
        kind text not null check (kind in ('compute', 'reported')),
        item text not null,
        usd numeric(14, 6) not null,
        quantity double precision,
        unit text,
        at timestamptz not null default now()
      )`.execute(db)
    await sql`create index cost_entries_product_time_idx on cost_entries (product_id, at)`.execute(db)
    await sql`create index cost_entries_run_idx on cost_entries (run_id)`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    for (const table of [
      'cost_entries',
      'logs',
      'metrics',
      'attempts',
      'step_runs',
      'runs',
      'pipeline_versions',
      'pipelines',
      'products',
    ]) {
      await sql`drop table if exists ${sql.table(table)}`.execute(db)
    }
  },
}
