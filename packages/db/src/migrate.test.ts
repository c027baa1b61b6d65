import { isStewardError } from '@steward/kernel'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateToLatest } from './migrate.ts'
import { migrations } from './migrations/index.ts'
import { json } from './schema.ts'
import { type TestDatabase, testBackends } from './testing/test-databases.ts'

const tables = [
  'actor_labels',
  'alert_channels',
  'alert_cursors',
  'alert_evaluated_runs',
  'alert_senders',
  'api_tokens',
  'attempts',
  'audit_log',
  'backfills',
  'check_results',
  'cost_daily',
  'cost_entries',
  'dev_loops',
  'incidents',
  'logs',
  'metric_label_sets',
  'metrics',
  'notifications',
  'pipeline_versions',
  'pipelines',
  'products',
  'published_tables',
  'runs',
  'step_runs',
  'step_tables',
  'table_observations',
  'usage_actor_last_seen',
  'usage_daily',
  'usage_events',
  'usage_last_seen_days',
  'usage_pending',
  'usage_period_actors',
  'usage_period_uniques',
  'usage_settings',
  'warehouse_connections',
  'warehouse_queries',
]

describe.each(testBackends)('migrations on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('creates every table on a fresh database, then applies nothing on the next start', async () => {
    const first = await migrateToLatest(t.db)
    expect(first.applied).toEqual(Object.keys(migrations))

    const found = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_name not like 'kysely_%'
      order by table_name`.execute(t.db)
    expect(found.rows.map((r) => r.table_name)).toEqual(tables)

    const second = await migrateToLatest(t.db)
    expect(second.applied).toEqual([])
    expect(second.current).toEqual(Object.keys(migrations))
  })

  it('stores and returns the catalog and runtime rows with their types', async () => {
    await t.db
      .insertInto('products')
      .values({
        id: 'weekly-signup-funnel',
        name: 'Weekly signup funnel',
        owners: json([{ team: 'growth-data', slack: '#growth-data' }]),
        stakeholders: json([{ name: 'Growth PMs', slack: '#growth' }]),
        links: json([]),
        tags: ['growth', 'weekly'],
        tier: 'gold',
        docs_path: 'docs/weekly-signup-funnel.md',
        docs_markdown: '# Funnel',
        freshness_max_age_seconds: 8 * 86400,
        budget_monthly_usd: 200,
        definition_hash: 'h1',
        source_file: 'products.ts',
      })
      .execute()
    await t.db
      .insertInto('pipelines')
      .values({
        id: 'signup-funnel.build',
        product_id: 'weekly-signup-funnel',
        name: 'Build',
        definition_hash: 'p1',
        version: 1,
        schedule_cron: '0 6 * * 1',
        schedule_timezone: 'Asia/Seoul',
        triggers: json([{ kind: 'manual' }]),
        params_schema: json({ type: 'object', properties: {} }),
        steps: json([
          {
            id: 'extract',
            needs: [],
            retries: 3,
            backoffType: 'fixed',
            backoffMs: 1000,
            timeoutMs: 600_000,
            codeHash: 'c1',
          },
        ]),
        alert_rules: json([]),
        max_concurrent_runs: 1,
        source_file: 'pipelines.ts',
      })
      .execute()
    const runId = crypto.randomUUID()
    const stepRunId = crypto.randomUUID()
    await t.db
      .insertInto('runs')
      .values({
        id: runId,
        pipeline_id: 'signup-funnel.build',
        product_id: 'weekly-signup-funnel',
        pipeline_version: 1,
        status: 'queued',
        trigger: 'manual',
        params: json({ week: '2026-W45' }),
      })
      .execute()
    await t.db
      .insertInto('step_runs')
      .values({ id: stepRunId, run_id: runId, step_id: 'extract', status: 'pending', max_attempts: 4 })
      .execute()
    await t.db
      .insertInto('cost_entries')
      .values({
        run_id: runId,
        product_id: 'weekly-signup-funnel',
        kind: 'compute',
        item: 'worker time',
        usd: '0.012345',
      })
      .execute()

    const product = await t.db
      .selectFrom('products')
      .selectAll()
      .where('id', '=', 'weekly-signup-funnel')
      .executeTakeFirstOrThrow()
    expect(product.owners).toEqual([{ team: 'growth-data', slack: '#growth-data' }])
    expect(product.tags).toEqual(['growth', 'weekly'])
    expect(product.budget_monthly_usd).toBe('200.00')
    expect(product.created_at).toBeInstanceOf(Date)

    const run = await t.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow()
    expect(run.params).toEqual({ week: '2026-W45' })
    const cost = await t.db.selectFrom('cost_entries').select('usd').executeTakeFirstOrThrow()
    expect(cost.usd).toBe('0.012345')

    // Step runs, attempts and cost entries go with their run.
    await t.db
      .insertInto('attempts')
      .values({
        id: crypto.randomUUID(),
        step_run_id: stepRunId,
        run_id: runId,
        number: 1,
        status: 'running',
      })
      .execute()
    await t.db.deleteFrom('runs').where('id', '=', runId).execute()
    const left = await t.db.selectFrom('step_runs').select('id').where('run_id', '=', runId).execute()
    expect(left).toEqual([])
    expect(await t.db.selectFrom('attempts').select('id').where('run_id', '=', runId).execute()).toEqual([])
    expect(await t.db.selectFrom('cost_entries').select('id').where('run_id', '=', runId).execute()).toEqual(
      [],
    )
  })

  it('rejects rows that break the schema rules', async () => {
    const badStatus = t.db
      .insertInto('runs')
      .values({
        id: crypto.randomUUID(),
        pipeline_id: 'signup-funnel.build',
        product_id: 'weekly-signup-funnel',
        pipeline_version: 1,
        // @ts-expect-error: not a run status; the database must refuse it too.
        status: 'exploded',
        trigger: 'manual',
        params: json({}),
      })
      .execute()
    await expect(badStatus).rejects.toThrow(/check constraint/)

    const unknownPipeline = t.db
      .insertInto('runs')
      .values({
        id: crypto.randomUUID(),
        pipeline_id: 'no-such-pipeline',
        product_id: 'weekly-signup-funnel',
        pipeline_version: 1,
        status: 'queued',
        trigger: 'manual',
        params: json({}),
      })
      .execute()
    await expect(unknownPipeline).rejects.toThrow(/foreign key/)
  })

  it('runs safely from several connections at once', async () => {
    const results = await Promise.all([migrateToLatest(t.db), migrateToLatest(t.db), migrateToLatest(t.db)])
    expect(results.every((r) => r.applied.length === 0)).toBe(true)
  })

  it('refuses a database with a migration this code does not know, and changes nothing', async () => {
    await sql`insert into kysely_migration (name, timestamp) values ('9999_from_the_future', now())`.execute(
      t.db,
    )
    const before = await t.db.selectFrom('products').select('id').execute()

    const error = await migrateToLatest(t.db).catch((e: unknown) => e)
    expect(isStewardError(error) && error.code).toBe('DATABASE_NEWER_THAN_CODE')
    expect((error as Error).message).toMatch(/9999_from_the_future/)
    expect((error as Error).message).not.toMatch(/\n/)

    expect(await t.db.selectFrom('products').select('id').execute()).toEqual(before)
    const names = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(t.db)
    expect(names.rows.map((r) => r.name)).toEqual([...Object.keys(migrations), '9999_from_the_future'])
    await sql`delete from kysely_migration where name = '9999_from_the_future'`.execute(t.db)
  })
})
