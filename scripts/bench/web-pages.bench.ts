// The reads behind the pipeline, run and product pages and the health checks, on PostgreSQL with
// 2,000 products, 4,000 pipelines (half scheduled) and 1,000,000 runs: median and p95 of each
// page's queries, run the way the page runs them. Ends with one JSON line.
import { migrateToLatest } from '@steward/db'
import { testBackends } from '@steward/db/testing'
import { sql } from 'kysely'
import { readScheduledPipelines } from '../../apps/web/src/server/health/scheduler-check.ts'
import { readProductFreshness } from '../../apps/web/src/server/health/stale-products-check.ts'
import { hasLiveHeartbeat } from '../../apps/web/src/server/health/workers-check.ts'
import { getPipelineDetail } from '../../apps/web/src/server/queries/get-pipeline-detail.ts'
import { getProductSummary } from '../../apps/web/src/server/queries/get-product-summary.ts'
import { getRunDetail } from '../../apps/web/src/server/queries/get-run-detail.ts'

const products = 2_000
const pipelines = 4_000
const runs = 1_000_000
const repeats = 30

export async function run() {
  const postgres = testBackends.find((backend) => backend.name === 'postgres')
  if (!postgres) {
    console.log('web pages: skipped (no PostgreSQL at STEWARD_TEST_PG_URL)')
    return
  }
  const opened = await postgres.open()
  const { db } = opened
  try {
    await migrateToLatest(db)
    let t = performance.now()
    await seed(db)
    console.log(
      `seeded ${products} products, ${pipelines} pipelines, ${runs.toLocaleString('en-US')} runs in ${ms(performance.now() - t)}`,
    )

    const runId = (
      await sql<{
        id: string
      }>`select id from runs where pipeline_id = 'pl-7' order by created_at desc limit 1`.execute(db)
    ).rows[0]?.id
    if (!runId) throw new Error('no run seeded')
    const figures: Record<string, { medianMs: number; p95Ms: number }> = {}
    const measure = async (name: string, work: () => Promise<unknown>) => {
      await work()
      const times: number[] = []
      for (let i = 0; i < repeats; i++) {
        t = performance.now()
        await work()
        times.push(performance.now() - t)
      }
      times.sort((a, b) => a - b)
      figures[name] = {
        medianMs: round(times[Math.floor(times.length / 2)] ?? 0),
        p95Ms: round(times[Math.floor(times.length * 0.95)] ?? 0),
      }
      console.log(`${name.padEnd(28)} median ${ms(figures[name].medianMs)}  p95 ${ms(figures[name].p95Ms)}`)
    }
    await measure('pipeline page', () => getPipelineDetail(db, 'pl-7'))
    await measure('run page', () => getRunDetail(db, runId))
    await measure('product page', () => getProductSummary(db, 'prod-7'))
    await measure('health: workers (SQL)', () => hasLiveHeartbeat(db))
    await measure('health: scheduler', () => readScheduledPipelines(db))
    await measure('health: freshness', () => readProductFreshness(db))
    console.log(JSON.stringify({ bench: 'web-pages', products, pipelines, runs, ...figures }))
  } finally {
    await opened.dispose()
  }
}

async function seed(db: Parameters<typeof migrateToLatest>[0]) {
  const steps = JSON.stringify(
    ['extract', 'clean', 'enrich', 'join', 'publish'].map((id, i, all) => ({
      id,
      needs: i === 0 ? [] : i === 3 ? ['clean', 'enrich'] : i === 4 ? ['join'] : [all[0]],
      retries: 1,
      backoffType: 'exponential',
      backoffMs: 1000,
      timeoutMs: null,
      codeHash: `h-${id}`,
    })),
  )
  await sql`
    insert into products (id, name, owners, stakeholders, links, tier, freshness_max_age_seconds, definition_hash, created_at)
    select 'prod-' || i, 'Product ' || i, '[{"team":"data","slack":"#data"}]', '[]', '[]', 'gold', 86400, 'h', now() - interval '60 days'
    from generate_series(0, ${products - 1}) as i`.execute(db)
  await sql`
    insert into pipelines (id, product_id, name, definition_hash, version, schedule_cron, schedule_timezone, triggers, params_schema, steps, alert_rules, created_at, updated_at)
    select 'pl-' || i, 'prod-' || (i % ${products}), 'Pipeline ' || i, 'h', 1,
      case when i % 2 = 0 then '0 * * * *' end, case when i % 2 = 0 then 'UTC' end,
      '[]', '{"type":"object","properties":{}}', ${steps}::jsonb, '[]', now() - interval '60 days', now() - interval '60 days'
    from generate_series(0, ${pipelines - 1}) as i`.execute(db)
  await sql`
    insert into pipeline_versions (pipeline_id, version, definition_hash, definition)
    select id, 1, 'h', jsonb_build_object('steps', steps) from pipelines`.execute(db)
  // Newest first per pipeline: run i of pipeline p is i*4000 + p; one run an hour per pipeline.
  await sql`
    insert into runs (id, pipeline_id, product_id, pipeline_version, status, trigger, params, created_at, started_at, finished_at, cost_usd)
    select gen_random_uuid(), 'pl-' || (i % ${pipelines}), 'prod-' || ((i % ${pipelines}) % ${products}), 1,
      case when i % 17 = 0 then 'failed' else 'succeeded' end,
      case when i % 5 = 0 then 'manual' else 'schedule' end,
      '{}',
      now() - make_interval(hours => i / ${pipelines}) - interval '1 minute',
      now() - make_interval(hours => i / ${pipelines}) - interval '1 minute',
      now() - make_interval(hours => i / ${pipelines}) - interval '30 seconds',
      0.01
    from generate_series(0, ${runs - 1}) as i`.execute(db)
  // Steps, attempts and logs for the newest 5,000 runs (the run page reads one of them).
  await sql`
    insert into step_runs (id, run_id, step_id, status, needs, attempt_count, max_attempts, output, queued_at, started_at, finished_at)
    select gen_random_uuid(), r.id, s.id, 'succeeded', array(select jsonb_array_elements_text(s.needs)), 1, 2, '{"rows":1}',
      r.started_at, r.started_at + interval '1 second', r.started_at + interval '5 seconds'
    from (select * from runs order by created_at desc limit 5000) r
    cross join lateral jsonb_to_recordset(${steps}::jsonb) as s(id text, needs jsonb)`.execute(db)
  await sql`
    insert into attempts (id, step_run_id, run_id, number, status, worker_id, started_at, finished_at)
    select gen_random_uuid(), id, run_id, 1, 'succeeded', 'bench', started_at, finished_at from step_runs`.execute(
    db,
  )
  await sql`
    insert into logs (run_id, step_run_id, attempt_id, level, message, at)
    select a.run_id, a.step_run_id, a.id, 'info', 'line ' || g, a.started_at
    from attempts a cross join generate_series(1, 20) as g`.execute(db)
  await sql`
    insert into metrics (run_id, step_run_id, attempt_id, pipeline_id, product_id, name, value, labels)
    select a.run_id, a.step_run_id, a.id, r.pipeline_id, r.product_id, 'rows', 1000, '{}'
    from attempts a join runs r on r.id = a.run_id`.execute(db)
  await sql`analyze`.execute(db)
}

const round = (n: number) => Math.round(n * 10) / 10
const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n.toFixed(1)} ms`)
