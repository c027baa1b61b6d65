// The large database the web pages are measured against (issue 6: every page renders in under
// 200 ms with 2,000 products, 1,000,000 runs and 10,000,000 usage events). Set-based SQL only
// (INSERT … SELECT over generate_series), so it takes minutes, not hours. PostgreSQL only: the
// embedded PGlite is for one developer's machine, not for ten million rows.
import { createDb, migrateToLatest, type StewardDb } from '@steward/db'
import { redactUrl } from '@steward/kernel'
import { rebuildRollups } from '@steward/usage'
import { sql } from 'kysely'
import pg from 'pg'

export const largeDefaults = {
  url: 'postgres://postgres@127.0.0.1:5432/steward_large',
  products: 2_000,
  runs: 1_000_000,
  usageEvents: 10_000_000,
  /** Runs spread over this many days, newest now. */
  runDays: 120,
  /** Usage events over this many days: the 30-day window, the 30 before it, and older use. */
  usageDays: 90,
  /** The newest runs that get step runs, attempts and metrics (the rest are summaries only). */
  detailedRuns: 50_000,
  actors: 20_000,
  resolvedIncidents: 30_000,
} as const

/** The database `seed:large` fills: DATABASE_URL, or a `steward_large` database on the local server. */
export function largeDatabaseUrl(): string {
  const url = process.env.DATABASE_URL?.trim()
  return url ? url : largeDefaults.url
}

export async function seedLarge(options: { reset?: boolean; url?: string } = {}): Promise<void> {
  const url = options.url ?? largeDatabaseUrl()
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`DATABASE_URL must be a postgres:// URL for seed:large (got ${redactUrl(url)})`)
  }
  const started = performance.now()
  await createDatabase(url, options.reset ?? false)
  // One connection: the session settings below hold for every statement.
  const opened = await createDb(url, { embeddedDataDir: '', poolSize: 1 })
  try {
    await migrateToLatest(opened.db)
    const existing = await sql<{ n: string }>`select count(*)::text as n from products`.execute(opened.db)
    if (Number(existing.rows[0]?.n) > 0) {
      throw new Error(
        `${redactUrl(url)} already holds ${existing.rows[0]?.n} products: run \`npm run seed:large -- --reset\` to drop and refill it`,
      )
    }
    console.log(`seed:large into ${redactUrl(url)}`)
    await fill(opened)
    console.log(`done in ${seconds(performance.now() - started)}`)
  } finally {
    await opened.close()
  }
}

/** Creates the database when it is missing; with `reset`, drops it first. */
async function createDatabase(url: string, reset: boolean): Promise<void> {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.slice(1))
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name "${name}" must be a plain identifier`)
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  try {
    if (reset) await client.query(`drop database if exists ${name} with (force)`)
    const found = await client.query('select 1 from pg_database where datname = $1', [name])
    if (found.rowCount === 0) await client.query(`create database ${name}`)
  } finally {
    await client.end()
  }
}

async function fill({ db }: StewardDb): Promise<void> {
  const d = largeDefaults
  const step = async (label: string, work: () => Promise<unknown>) => {
    const t = performance.now()
    process.stdout.write(`  ${label}…`)
    await work()
    process.stdout.write(` ${seconds(performance.now() - t)}\n`)
  }
  // Bulk load: no per-row foreign-key triggers (the rows are consistent by construction; needs a
  // superuser, skipped otherwise), and room to sort and hash in memory.
  await sql`set session_replication_role = replica`.execute(db).catch(() => {
    console.log('  (not a superuser: foreign keys are checked row by row, which is slower)')
  })
  await sql`set work_mem = '256MB'`.execute(db)
  await sql`set maintenance_work_mem = '512MB'`.execute(db)
  await sql`set synchronous_commit = off`.execute(db)
  await sql`select setseed(0.42)`.execute(db)

  await step(`${d.products.toLocaleString('en-US')} products and their pipelines`, () => catalog(db))
  await step(`${d.runs.toLocaleString('en-US')} runs`, () => runs(db))
  await step(
    `step runs, attempts, logs and metrics of the newest ${d.detailedRuns.toLocaleString('en-US')} runs`,
    () => runDetails(db),
  )
  await step('cost entries', () => costEntries(db))
  await step(`${d.actors.toLocaleString('en-US')} actors`, () => actors(db))
  const chunk = 1_000_000
  for (let from = 0; from < d.usageEvents; from += chunk) {
    const to = Math.min(d.usageEvents, from + chunk)
    await step(`usage events ${from.toLocaleString('en-US')}–${to.toLocaleString('en-US')}`, () =>
      usageEvents(db, from, to),
    )
  }
  await step('usage and cost rollups (rebuildRollups, as a calendar change would)', () =>
    db.transaction().execute((trx) => rebuildRollups(trx)),
  )
  await step('incidents and notifications', () => incidents(db))
  await sql`set session_replication_role = default`.execute(db).catch(() => {})
  await step('vacuum analyze', () => sql`vacuum analyze`.execute(db))
}

type Db = StewardDb['db']

const teams = [
  'growth-data',
  'ml-platform',
  'finance-data',
  'marketing-analytics',
  'product-analytics',
  'data-platform',
  'risk',
  'sales-ops',
  'supply-chain',
  'customer-success',
  'people-analytics',
  'security-data',
]

/**
 * Products `product-0001`…: a tenth gold, some silver, most bronze; one in 40 a zombie (no use in
 * the last 30 days; half of them never used); the newest 40 created 10 days ago (too young to be
 * zombies). A price factor per product spreads cost over orders of magnitude. Pipelines: one to
 * three per product, 3 to 5 steps, most on a schedule.
 */
async function catalog(db: Db): Promise<void> {
  const n = largeDefaults.products
  await sql`
    insert into products (id, name, description, owners, stakeholders, links, tier, tags,
      freshness_max_age_seconds, budget_monthly_usd, definition_hash, docs_markdown, created_at, updated_at)
    select 'product-' || lpad(i::text, 4, '0'),
      initcap((array['daily','weekly','hourly','customer','revenue','churn','signup','inventory','pricing','support',
        'marketing','fraud','payments','search','retention','partner','ads','catalog','logistics','billing'])[1 + i % 20])
        || ' ' || (array['funnel','scores','cube','feed','dashboard','model','extract','report','metrics','events',
        'forecast','segments','ledger','snapshot','index'])[1 + (i / 20) % 15] || ' ' || i,
      'Seeded by seed:large for page benchmarks.',
      jsonb_build_array(jsonb_build_object('team', t.team, 'slack', '#' || t.team)),
      '[{"name":"Stakeholders","slack":"#data-stakeholders"}]', '[]',
      case when i % 10 = 0 then 'gold' when i % 10 < 4 then 'silver' else 'bronze' end,
      array[t.team, case when i % 2 = 0 then 'daily' else 'weekly' end],
      case when i % 10 = 0 then 86400 else 3 * 86400 end,
      (50 * (1 + i % 40))::numeric,
      'seed-' || i, '# Product ' || i || E'\n\nSeeded for benchmarks.',
      case when i > ${n - 40} then now() - interval '10 days' else now() - interval '200 days' end,
      now() - interval '10 days'
    from generate_series(1, ${n}) i
    cross join lateral (select (${teams})::text[] as all_teams) a
    cross join lateral (select a.all_teams[1 + i % array_length(a.all_teams, 1)] as team) t`.execute(db)

  await sql`
    insert into pipelines (id, product_id, name, definition_hash, version, schedule_cron, schedule_timezone,
      triggers, params_schema, steps, alert_rules, created_at, updated_at)
    select p.id || '.p' || k, p.id, p.name || ' · ' || (array['build','refresh','publish'])[k], 'seed', 1,
      case when (i + k) % 5 <> 0 then (i % 60) || ' ' || (k * 6 + i % 6) || ' * * *' end,
      case when (i + k) % 5 <> 0 then 'UTC' end,
      '[{"kind":"manual"}]',
      '{"type":"object","properties":{"full":{"type":"boolean","default":false}}}',
      (select jsonb_agg(jsonb_build_object('id', s.id, 'needs', case when s.o = 1 then '[]'::jsonb
          else jsonb_build_array(steps.ids[s.o - 1]) end, 'retries', 1, 'backoffType', 'exponential',
          'backoffMs', 1000, 'timeoutMs', null, 'codeHash', 'seed-' || s.id) order by s.o)
        from unnest(steps.ids) with ordinality s(id, o)),
      '[{"kind":"on-failure"}]', p.created_at, p.created_at
    from generate_series(1, ${n}) i
    join products p on p.id = 'product-' || lpad(i::text, 4, '0')
    cross join generate_series(1, 1 + i % 3) k
    cross join lateral (select (array['extract','clean','enrich','aggregate','publish'])[1:3 + (i + k) % 3] as ids) steps`.execute(
    db,
  )
  await sql`
    insert into pipeline_versions (pipeline_id, version, definition_hash, definition, deployed_at)
    select id, 1, 'seed', jsonb_build_object('steps', steps), created_at from pipelines`.execute(db)
  // Pipelines numbered 0…n-1 with their product's price factor (1 to ~150), for the run generator.
  await sql`drop table if exists seed_pipelines`.execute(db)
  await sql`
    create unlogged table seed_pipelines as
    select (row_number() over (order by id))::int - 1 as n, id, product_id, steps,
      exp(((hashtext(product_id) & 1023) / 1023.0) * 5) as price
    from pipelines`.execute(db)
  await sql`create unique index on seed_pipelines (n)`.execute(db)
}

/**
 * Runs spread evenly over `runDays` per pipeline (run k of a pipeline is k slots before now), with
 * durations from 20 s to ~20 min, 4 % failed, 1 % cancelled, and a few of the newest still running.
 */
async function runs(db: Db): Promise<void> {
  const { runs: count, runDays } = largeDefaults
  await sql`
    insert into runs (id, pipeline_id, product_id, pipeline_version, status, trigger, params, error,
      created_at, started_at, finished_at, cost_usd)
    select gen_random_uuid(), pl.id, pl.product_id, 1, st.status,
      case when s.g % 11 = 0 then 'manual' when s.g % 13 = 0 then 'upstream' else 'schedule' end,
      '{}',
      case when st.status = 'failed' then '{"message":"step aggregate failed: upstream table is empty","code":"STEP_FAILED"}'::jsonb end,
      s.created, s.created + interval '2 seconds',
      case when st.status <> 'running' then s.created + interval '2 seconds' + make_interval(secs => s.duration) end,
      case when st.status <> 'running' then round((s.duration * 0.0005 * pl.price)::numeric, 6) end
    from (
      select g, g % np.n as pn,
        now() - make_interval(secs => (g / np.n) * (${runDays}::float8 * 86400 / (${count}::float8 / np.n)) + random() * 1800) as created,
        20 + exp(random() * 7) as duration, random() as r, g / np.n as k
      from generate_series(0, ${count - 1}) g
      cross join (select count(*)::int as n from seed_pipelines) np
    ) s
    join seed_pipelines pl on pl.n = s.pn
    cross join lateral (select case
      when s.k = 0 and s.g % 40 = 0 then 'running'
      when s.r < 0.04 then 'failed'
      when s.r < 0.05 then 'cancelled'
      else 'succeeded' end as status) st`.execute(db)
}

/** Step runs (one per step, in sequence), one attempt each, a few log lines and a `rows` metric. */
async function runDetails(db: Db): Promise<void> {
  await sql`drop table if exists seed_detailed`.execute(db)
  await sql`
    create unlogged table seed_detailed as
    select r.id, r.status, r.started_at, coalesce(r.finished_at, now()) - r.started_at as took, pl.steps
    from (select * from runs order by created_at desc limit ${largeDefaults.detailedRuns}) r
    join pipelines pl on pl.id = r.pipeline_id`.execute(db)
  await sql`
    insert into step_runs (id, run_id, step_id, status, needs, attempt_count, max_attempts, output, error,
      queued_at, started_at, finished_at)
    select gen_random_uuid(), d.id, s.step->>'id', st.status,
      array(select jsonb_array_elements_text(s.step->'needs')), 1, 2,
      case when st.status = 'succeeded' then jsonb_build_object('table', 'seed.' || (s.step->>'id'), 'rows', 1000 * s.o) end,
      case when st.status = 'failed' then '{"message":"upstream table is empty","stack":"Error: upstream table is empty\\n    at run (aggregate.ts:12:11)"}'::jsonb end,
      d.started_at + d.took * ((s.o - 1)::float8 / s.n),
      case when st.status not in ('pending', 'cancelled') or s.o = 1 then d.started_at + d.took * ((s.o - 1)::float8 / s.n) end,
      case when st.status in ('succeeded', 'failed') then d.started_at + d.took * (s.o::float8 / s.n) end
    from seed_detailed d
    cross join lateral (
      select e.step, e.o, jsonb_array_length(d.steps) as n from jsonb_array_elements(d.steps) with ordinality e(step, o)
    ) s
    cross join lateral (select case
      when d.status = 'succeeded' then 'succeeded'
      when s.o < s.n then 'succeeded'
      when d.status = 'failed' then 'failed'
      when d.status = 'cancelled' then 'cancelled'
      else 'running' end as status) st`.execute(db)
  await sql`
    insert into attempts (id, step_run_id, run_id, number, status, worker_id, started_at, finished_at, error)
    select gen_random_uuid(), id, run_id, 1, status, 'seed-worker-' || (hashtext(run_id::text) & 3),
      started_at, finished_at, error
    from step_runs where started_at is not null`.execute(db)
  await sql`
    insert into logs (run_id, step_run_id, attempt_id, level, message, at)
    select a.run_id, a.step_run_id, a.id, case when g = 5 and a.status = 'failed' then 'error' else 'info' end,
      (array['started','reading source','wrote batch','validated','finished'])[g], a.started_at + make_interval(secs => g)
    from attempts a cross join generate_series(1, 5) g
    where a.run_id in (select id from seed_detailed order by started_at desc limit 5000)`.execute(db)
  await sql`
    insert into metrics (run_id, step_run_id, attempt_id, pipeline_id, product_id, name, value, labels, recorded_at)
    select a.run_id, a.step_run_id, a.id, r.pipeline_id, r.product_id, 'rows', 1000 + (hashtext(a.id::text) & 4095), '{}',
      coalesce(a.finished_at, a.started_at)
    from attempts a join runs r on r.id = a.run_id`.execute(db)
}

/** Compute for every finished run, plus a reported warehouse scan for a third of them: the parts sum to the run's cost. */
async function costEntries(db: Db): Promise<void> {
  await sql`
    insert into cost_entries (run_id, pipeline_id, product_id, kind, item, usd, quantity, unit, at)
    select r.id, r.pipeline_id, r.product_id, 'compute', 'worker time',
      case when hashtext(r.id::text) % 3 = 0 then round(r.cost_usd * 0.3, 6) else r.cost_usd end,
      extract(epoch from r.finished_at - r.started_at), 'seconds', r.finished_at
    from runs r where r.finished_at is not null and r.cost_usd is not null`.execute(db)
  await sql`
    insert into cost_entries (run_id, pipeline_id, product_id, kind, item, usd, at)
    select r.id, r.pipeline_id, r.product_id, 'reported', 'warehouse scan', r.cost_usd - round(r.cost_usd * 0.3, 6), r.finished_at
    from runs r where r.finished_at is not null and r.cost_usd is not null and hashtext(r.id::text) % 3 = 0`.execute(
    db,
  )
}

/** Hashed actors, as ingest stores them (64 hex characters). */
async function actors(db: Db): Promise<void> {
  await sql`drop table if exists seed_actors`.execute(db)
  await sql`
    create unlogged table seed_actors as
    select n, encode(sha256(('seed-actor-' || n)::bytea), 'hex') as hash
    from generate_series(0, ${largeDefaults.actors - 1}) n`.execute(db)
  await sql`create unique index on seed_actors (n)`.execute(db)
}

/**
 * Usage events: popular products get most of them (a power law over product numbers), each
 * product its own audience (popular ones larger). Zombies (product number ≡ 7 mod 40) were used
 * only 31–90 days ago, or never (≡ 7 mod 80: their events go to the next product); products
 * created 10 days ago were used only since.
 */
async function usageEvents(db: Db, from: number, to: number): Promise<void> {
  const { products, usageDays, actors: actorCount } = largeDefaults
  await sql`
    insert into usage_events (product_id, kind, actor_hash, at, source, origin)
    select 'product-' || lpad(p.i::text, 4, '0'),
      case when s.rk < 0.7 then 'view' when s.rk < 0.9 then 'query' when s.rk < 0.95 then 'download' else 'api_call' end,
      a.hash,
      now() - make_interval(secs => case
        when p.i % 40 = 7 then (31 + s.rt * ${usageDays - 31}) * 86400
        when p.i > ${products - 40} then s.rt * 10 * 86400
        else s.rt * ${usageDays} * 86400 end),
      case when s.rk < 0.7 then 'looker' when s.rk < 0.9 then 'warehouse' else 'api' end,
      'token:seed'
    from (
      select g, 1 + floor(${products}::float8 * power(random(), 2.2))::int as raw, random() as ru, random() as rk, random() as rt
      from generate_series(${from}::int, ${to - 1}::int) g
    ) s
    cross join lateral (select case when s.raw % 80 = 7 then s.raw + 1 else s.raw end as i) p
    join seed_actors a on a.n = (p.i * 7919 + floor(power(s.ru, 1.5) * (5 + 3000 * power(1 - p.i::float8 / ${products}, 3))))::int % ${actorCount}`.execute(
    db,
  )
}

/**
 * Alert history: resolved incidents over the run window, each with its first message (sent, or
 * recorded without a token, or failed) and its resolved update; and open incidents on one
 * pipeline in 33, some acknowledged or snoozed, with follow-ups.
 */
async function incidents(db: Db): Promise<void> {
  const { resolvedIncidents, runDays } = largeDefaults
  await sql`
    insert into incidents (id, rule_key, rule_kind, subject_key, product_id, pipeline_id, severity, title, detail,
      destinations, status, fire_count, opened_at, last_fired_at, resolved_at, resolved_reason)
    select gen_random_uuid(), 'pipeline:' || pl.id || ':' || rk.kind, rk.kind, 'pipeline:' || pl.id, pl.product_id, pl.id,
      rk.severity, pl.id || rk.suffix, 'Seeded incident for benchmarks.',
      array['#data-alerts'], 'resolved', 1 + (g % 4),
      s.opened, s.opened + make_interval(secs => (g % 4) * 600), s.opened + make_interval(secs => 600 + s.r * 20000),
      'the next run succeeded'
    from (
      select g, now() - make_interval(secs => 86400 + random() * ${runDays - 1} * 86400) as opened, random() as r,
        floor(random() * (select count(*) from seed_pipelines))::int as pn
      from generate_series(1, ${resolvedIncidents}) g
    ) s
    join seed_pipelines pl on pl.n = s.pn
    cross join lateral (select * from (values
      ('on-failure', 'critical', ' failed'), ('run-too-long', 'warning', ' took over 30m'), ('freshness', 'critical', ' is stale')
    ) v(kind, severity, suffix) offset (s.g % 3) limit 1) rk`.execute(db)
  await sql`
    insert into incidents (id, rule_key, rule_kind, subject_key, product_id, pipeline_id, severity, title, detail,
      destinations, status, fire_count, opened_at, last_fired_at, acked_at, acked_by, snoozed_until, snoozed_by)
    select gen_random_uuid(), 'pipeline:' || pl.id || ':on-failure', 'on-failure', 'pipeline:' || pl.id, pl.product_id, pl.id,
      case when pl.n % 5 = 0 then 'warning' else 'critical' end, pl.id || ' failed',
      'Step aggregate failed after 2 attempts: upstream table is empty.', array['#data-oncall'], 'open', 1 + pl.n % 5,
      now() - make_interval(secs => 600 + (pl.n % 97) * 3600), now() - make_interval(secs => 300 + (pl.n % 7) * 600),
      case when pl.n % 4 = 0 then now() - interval '5 minutes' end, case when pl.n % 4 = 0 then 'ana' end,
      case when pl.n % 6 = 0 then now() + interval '3 hours' end, case when pl.n % 6 = 0 then 'ben' end
    from seed_pipelines pl where pl.n % 33 = 0`.execute(db)
  const payload = (text: ReturnType<typeof sql>) =>
    sql`jsonb_build_object('text', ${text}, 'blocks', jsonb_build_array(jsonb_build_object('type', 'section', 'text', jsonb_build_object('type', 'mrkdwn', 'text', ${text}))))`
  await sql`
    insert into notifications (destination, product_id, rule_key, incident_id, kind, payload, status, attempts,
      last_error, slack_channel, slack_ts, thread_ts, created_at, sent_at)
    select i.destinations[1], i.product_id, i.rule_key, i.id, 'first',
      ${payload(sql`':red_circle: *' || i.title || '*'`)},
      st.status, case when st.status = 'pending' then 0 else 1 + (h % 2) end,
      case when st.status = 'failed' then 'channel_not_found' end,
      case when st.status = 'sent' then 'C0SEED' || (h % 100) end,
      case when st.status = 'sent' then extract(epoch from i.opened_at)::bigint || '.000100' end,
      null, i.opened_at + interval '2 seconds',
      case when st.status = 'sent' then i.opened_at + interval '3 seconds' end
    from incidents i
    cross join lateral (select abs(hashtext(i.id::text)) as h) x
    cross join lateral (select case when h % 10 < 6 then 'sent' when h % 10 < 9 then 'not_sent_no_token'
      else case when i.status = 'open' then 'pending' else 'failed' end end as status) st`.execute(db)
  await sql`
    insert into notifications (destination, product_id, rule_key, incident_id, kind, payload, status, attempts,
      slack_channel, slack_ts, thread_ts, created_at, sent_at)
    select f.destination, f.product_id, f.rule_key, f.incident_id, 'resolved',
      ${payload(sql`':white_check_mark: Resolved: ' || i.title`)},
      f.status, f.attempts, f.slack_channel,
      case when f.status = 'sent' then extract(epoch from i.resolved_at)::bigint || '.000200' end,
      f.slack_ts, i.resolved_at, case when f.status = 'sent' then i.resolved_at + interval '1 second' end
    from notifications f join incidents i on i.id = f.incident_id
    where i.status = 'resolved' and f.kind = 'first' and f.status in ('sent', 'not_sent_no_token')`.execute(
    db,
  )
  await sql`
    insert into notifications (destination, product_id, rule_key, incident_id, kind, payload, status, attempts,
      slack_channel, slack_ts, thread_ts, created_at, sent_at)
    select f.destination, f.product_id, f.rule_key, f.incident_id, 'follow_up',
      ${payload(sql`':repeat: Fired again (' || i.fire_count || ' times in all): ' || i.title`)},
      f.status, f.attempts, f.slack_channel,
      case when f.status = 'sent' then extract(epoch from i.last_fired_at)::bigint || '.000300' end,
      f.slack_ts, i.last_fired_at, case when f.status = 'sent' then i.last_fired_at + interval '1 second' end
    from notifications f join incidents i on i.id = f.incident_id
    where i.status = 'open' and i.fire_count > 1 and f.kind = 'first' and f.status in ('sent', 'not_sent_no_token')`.execute(
    db,
  )
  await sql`drop table if exists seed_pipelines, seed_detailed, seed_actors`.execute(db)
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
