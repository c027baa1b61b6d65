import { Migrator } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateToLatest } from './migrate.ts'
import { migrationProvider } from './migrations/index.ts'
import { json, type RunStatus } from './schema.ts'
import { type TestDatabase, testBackends } from './testing/test-databases.ts'

/** Migrations that change rows, run on a database that holds rows of the schema before them. */
describe.each(testBackends)('upgrading a database with runs on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
  })
  afterAll(async () => {
    await t?.dispose()
  })

  const addRun = async (status: RunStatus, attempts: readonly ('running' | 'failed' | 'succeeded')[]) => {
    const runId = crypto.randomUUID()
    await t.db
      .insertInto('runs')
      .values({
        id: runId,
        pipeline_id: 'p',
        product_id: 'x',
        pipeline_version: 1,
        status,
        trigger: 'manual',
        params: json({}),
      })
      .execute()
    for (const [i, attempt] of attempts.entries()) {
      const stepRunId = crypto.randomUUID()
      await t.db
        .insertInto('step_runs')
        .values({ id: stepRunId, run_id: runId, step_id: `s${i}`, status: attempt, max_attempts: 1 })
        .execute()
      await t.db
        .insertInto('attempts')
        .values({
          id: crypto.randomUUID(),
          step_run_id: stepRunId,
          run_id: runId,
          number: 1,
          status: attempt,
        })
        .execute()
    }
    return runId
  }

  it('0014 marks as draining the ended runs that still had a running attempt, and no other', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider })
    const before = await migrator.migrateTo('0013_step_runs_updated_in_place')
    expect(before.error).toBeUndefined()
    await t.db
      .insertInto('products')
      .values({
        id: 'x',
        name: 'X',
        owners: json([{ team: 'data', slack: '#data' }]),
        stakeholders: json([]),
        links: json([]),
        tags: [],
        tier: 'bronze',
        docs_path: null,
        docs_markdown: null,
        freshness_max_age_seconds: null,
        budget_monthly_usd: null,
        definition_hash: 'h',
        source_file: 'x.ts',
      })
      .execute()
    await t.db
      .insertInto('pipelines')
      .values({
        id: 'p',
        product_id: 'x',
        name: 'P',
        definition_hash: 'h',
        version: 1,
        schedule_cron: null,
        schedule_timezone: null,
        triggers: json([]),
        params_schema: json({ type: 'object', properties: {} }),
        steps: json([]),
        alert_rules: json([]),
        max_concurrent_runs: 1,
        source_file: 'x.ts',
      })
      .execute()
    const failedWhileRunning = await addRun('failed', ['failed', 'running'])
    const cancelledWhileRunning = await addRun('cancelled', ['running'])
    const failedAndStopped = await addRun('failed', ['failed', 'succeeded'])
    const stillRunning = await addRun('running', ['running'])

    const upgrade = await migrateToLatest(t.db)
    expect(upgrade.applied).toContain('0014_attempts_updated_in_place')

    const runs = await t.db.selectFrom('runs').select(['id', 'draining']).execute()
    const draining = new Map(runs.map((run) => [run.id, run.draining]))
    expect(draining.get(failedWhileRunning)).toBe(true)
    expect(draining.get(cancelledWhileRunning)).toBe(true)
    expect(draining.get(failedAndStopped)).toBe(false)
    // An active run's attempts are found as the run's; it is not draining.
    expect(draining.get(stillRunning)).toBe(false)
  })
})
