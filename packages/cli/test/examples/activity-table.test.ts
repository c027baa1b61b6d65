import { fileURLToPath } from 'node:url'
import { evaluateTimers } from '@steward/alerts'
import type { TestDatabase } from '@steward/db/testing'
import {
  openRuntimeQueue,
  type RuntimeQueue,
  type RuntimeWorker,
  startRun,
  startTableObserver,
  startWorker,
  type TableObserver,
  WarehousePools,
  waitForRun,
} from '@steward/engine'
import { appActivityDaily } from '@steward/examples/pipelines/app-activity-daily.ts'
import { appActivityCounts } from '@steward/examples/products/app-activity-counts.ts'
import stewardConfig from '@steward/examples/steward.config.ts'
import { deleteQueueKeys } from '@steward/queue'
import { testRedisUrl } from '@steward/queue/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deployTestProject, type TempStewardHome, useTempStewardHome } from '../support/deployed-project.ts'

const examplesDir = fileURLToPath(new URL('../../../../examples', import.meta.url))
const table = 'analytics.daily_activity'
const hourMs = 3_600_000

/**
 * The examples' activity table on a real worker, the embedded DuckDB and the table observer, as
 * `npm start` runs them: a day lands in the table and is observed; with the empty-table demo switch
 * on, runs stay green while the table goes stale and its freshness incident opens.
 */
describe('the app activity table', () => {
  const prefix = `{steward-test-activity-table-${process.pid}}`
  let home: TempStewardHome
  let t: TestDatabase | undefined
  let queue: RuntimeQueue | undefined
  let pools: WarehousePools | undefined
  let worker: RuntimeWorker | undefined
  let observer: TableObserver | undefined

  beforeAll(async () => {
    home = await useTempStewardHome()
    const deployed = await deployTestProject(
      {
        products: [appActivityCounts],
        pipelines: [appActivityDaily],
        root: examplesDir,
        config: stewardConfig,
      },
      'postgres',
    )
    t = deployed.t
    pools = new WarehousePools({ stewardHome: home.path, variables: {} })
    // The timer's pass is far off: only the observations after runs count here.
    observer = startTableObserver({ db: t.db, pools, everyMs: 3_600_000 })
    worker = await startWorker({
      db: t.db,
      redisUrl: testRedisUrl,
      project: deployed.project,
      prefix,
      reconcile: false,
      heartbeatMs: 100,
      warehouses: { pools },
    })
    worker.onRunsEnded((runIds) => observer?.afterRuns(runIds))
    queue = openRuntimeQueue({ backend: { kind: 'redis', url: testRedisUrl }, prefix })
  }, 60_000)

  afterAll(async () => {
    await worker?.close()
    await observer?.close()
    await pools?.close()
    await queue?.close()
    await deleteQueueKeys(testRedisUrl, prefix)
    await t?.dispose()
    await home?.restore()
  })

  /** Runs a day and waits for its end and for the observation its end asked for. */
  async function runDay(partitionKey: string) {
    const db = (t as TestDatabase).db
    const { runId } = await startRun(db, queue as RuntimeQueue, {
      pipelineId: appActivityDaily.id,
      partitionKey,
      trigger: 'manual',
    })
    const { run } = await waitForRun(db, runId, { timeoutMs: 60_000 })
    const deadline = Date.now() + 10_000
    for (;;) {
      const observed = await db
        .selectFrom('table_observations')
        .selectAll()
        .where('run_id', '=', runId)
        .executeTakeFirst()
      if (observed) return { run, observed }
      if (Date.now() > deadline)
        throw new Error(`run ${runId} ended ${run.status} but ${table} was not observed`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  it('a day lands in the table and is observed; with the switch on, runs stay green and the table goes stale', async () => {
    const db = (t as TestDatabase).db
    const started = Date.now()
    const first = await runDay('2026-11-02')
    expect(first.run.status).toBe('succeeded')
    // Ten web servers × three platforms.
    expect(Number(first.observed.row_count)).toBe(30)
    expect(first.observed.newest_at?.getTime()).toBeGreaterThanOrEqual(started - 1_000)
    expect(first.observed.columns).toContainEqual({ name: 'loaded_at', type: 'TIMESTAMP WITH TIME ZONE' })

    process.env.STEWARD_DEMO_EMPTY_ACTIVITY = '1'
    try {
      const empty = await runDay('2026-11-03')
      expect(empty.run.status).toBe('succeeded')
      expect(Number(empty.observed.row_count)).toBe(30)
      expect(empty.observed.newest_at?.toISOString()).toBe(first.observed.newest_at?.toISOString())
    } finally {
      delete process.env.STEWARD_DEMO_EMPTY_ACTIVITY
    }
    const tableIncidents = () =>
      db
        .selectFrom('incidents')
        .select(['rule_kind', 'status'])
        .where('product_id', '=', appActivityCounts.id)
        .where('subject_key', '=', `table:${table}`)
        .execute()
    await evaluateTimers(db, { now: new Date(started + 25 * hourMs) })
    expect(await tableIncidents()).toEqual([])
    await evaluateTimers(db, { now: new Date(started + 27 * hourMs) })
    expect(await tableIncidents()).toEqual([{ rule_kind: 'freshness', status: 'open' }])
    const runs = await db
      .selectFrom('runs')
      .select('status')
      .where('pipeline_id', '=', appActivityDaily.id)
      .execute()
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded'])
  }, 120_000)
})
