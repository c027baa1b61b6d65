import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { evaluateTimers } from '@steward/alerts'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends, testPostgresUrl } from '@steward/db/testing'
import {
  compileCatalog,
  createProject,
  deployCatalog,
  observeTables,
  startRun,
  startTableObserver,
  type TableObserver,
  WarehousePools,
  waitForRun,
} from '@steward/engine'
import { RuntimeHarness } from '@steward/engine/testing'
import {
  defineConfig,
  definePipeline,
  defineProduct,
  freshness,
  schemaChange,
  volume,
} from '@steward/pipelines'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

// The field lesson: check where the data lands. A pipeline that keeps succeeding while it writes
// nothing stays green run after run; the table it publishes goes stale, and that opens the incident.

const hourMs = 3_600_000
const table = 'analytics.daily_activity'

const activity = defineProduct({
  id: 'app-activity',
  name: 'App activity',
  owners: [{ team: 'growth-data', slack: '#growth-data' }],
  tables: [{ name: table, timestampColumn: 'day' }],
  alerts: [freshness({ table, maxAge: '26h' }), schemaChange({ table }), volume({ table, below: 1 })],
})

const build = definePipeline({
  id: 'app-activity.build',
  product: activity,
  params: z.object({ at: z.string(), rows: z.number() }),
  steps: (s) =>
    s.step('load', {
      writes: [table],
      run: async (ctx) => {
        const sql = ctx.sql('warehouse')
        await sql.query('create schema if not exists analytics')
        await sql.query(`create table if not exists ${table} (day timestamptz, host text, events integer)`)
        for (let i = 0; i < ctx.params.rows; i++) {
          await sql.query(`insert into ${table} values ($1, $2, $3)`, [
            new Date(ctx.params.at),
            `host-${i}`,
            10,
          ])
        }
        return { rows: ctx.params.rows }
      },
    }),
})

describe.each(testBackends.filter((b) => b.name === 'postgres'))(
  'data where it lands on $name',
  (backend) => {
    let t: TestDatabase
    let home: string
    let h: RuntimeHarness
    let pools: WarehousePools
    let observer: TableObserver
    beforeAll(async () => {
      t = await backend.open()
      await migrateToLatest(t.db)
      home = await mkdtemp(path.join(tmpdir(), 'steward-landed-'))
      h = new RuntimeHarness(t.db)
      await h.deploy([build], { products: [activity], config: defineConfig({ definitions: ['(code)'] }) })
      pools = new WarehousePools({ stewardHome: home, variables: {} })
      // The timer's pass is far off: only the observations after runs count here.
      observer = startTableObserver({ db: t.db, pools, everyMs: 3_600_000 })
      const worker = await h.startWorker({ warehouses: { pools } })
      worker.onRunsEnded((runIds) => observer.afterRuns(runIds))
    })
    afterAll(async () => {
      await h?.dispose()
      await observer?.close()
      await pools?.close()
      await t?.dispose()
      await rm(home, { recursive: true, force: true })
    })

    const openIncidents = () =>
      t.db
        .selectFrom('incidents')
        .select(['rule_kind', 'subject_key', 'title'])
        .where('product_id', '=', 'app-activity')
        .where('status', '=', 'open')
        .orderBy('rule_kind')
        .execute()

    /** Runs the pipeline and waits for its end and for the observation its end asked for. */
    async function runAndObserve(params: { at: string; rows: number }) {
      const { runId } = await startRun(t.db, h.queue, { pipelineId: build.id, params, trigger: 'manual' })
      const { run } = await waitForRun(t.db, runId, { timeoutMs: 20_000 })
      const deadline = Date.now() + 10_000
      for (;;) {
        const observed = await t.db
          .selectFrom('table_observations')
          .selectAll()
          .where('run_id', '=', runId)
          .executeTakeFirst()
        if (observed) return { run, observed }
        if (Date.now() > deadline)
          throw new Error(`run ${runId} ended ${run.status} but its table was not observed`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }

    it('opens the table’s freshness incident while every run stays green', async () => {
      const start = Date.now()
      const first = await runAndObserve({ at: new Date(start - hourMs).toISOString(), rows: 3 })
      expect(first.run.status).toBe('succeeded')
      expect(Number(first.observed.row_count)).toBe(3)
      expect(first.observed.newest_at?.toISOString()).toBe(new Date(start - hourMs).toISOString())
      expect(first.observed.columns).toEqual([
        { name: 'day', type: 'TIMESTAMP WITH TIME ZONE' },
        { name: 'host', type: 'VARCHAR' },
        { name: 'events', type: 'INTEGER' },
      ])
      await evaluateTimers(t.db, { now: new Date(start) })
      expect(await openIncidents()).toEqual([])

      // Two more runs that succeed and write nothing.
      for (let i = 0; i < 2; i++) {
        const empty = await runAndObserve({ at: new Date(start).toISOString(), rows: 0 })
        expect(empty.run.status).toBe('succeeded')
        expect(Number(empty.observed.row_count)).toBe(3)
      }
      await evaluateTimers(t.db, { now: new Date(start + 24 * hourMs) })
      expect(await openIncidents()).toEqual([])
      await evaluateTimers(t.db, { now: new Date(start + 28 * hourMs) })
      const runs = await t.db
        .selectFrom('runs')
        .select('status')
        .where('pipeline_id', '=', build.id)
        .execute()
      expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded'])
      expect(await openIncidents()).toEqual([
        {
          rule_kind: 'freshness',
          subject_key: `table:${table}`,
          title: `${table} is stale: newest row 29 h old (promise: 26 h)`,
        },
      ])
    })

    it('opens a schema incident when a column is dropped, and a volume incident when the table empties', async () => {
      const warehouse = pools.get('warehouse', { kind: 'duckdb' })
      await warehouse.query(`alter table ${table} drop column events`)
      await observeTables(t.db, pools)
      await evaluateTimers(t.db, { now: new Date(Date.now() + 29 * hourMs) })
      expect((await openIncidents()).filter((i) => i.rule_kind !== 'freshness')).toEqual([
        {
          rule_kind: 'schema-change',
          subject_key: `table:${table}`,
          title: `${table} changed: column events dropped`,
        },
      ])
      await warehouse.query(`delete from ${table}`)
      await observeTables(t.db, pools)
      await evaluateTimers(t.db, { now: new Date(Date.now() + 30 * hourMs) })
      expect((await openIncidents()).filter((i) => i.rule_kind === 'volume')).toEqual([
        { rule_kind: 'volume', subject_key: `table:${table}/rows`, title: `${table} holds 0 rows, below 1` },
      ])
    })
  },
)

describe.each(testBackends.filter((b) => b.name === 'postgres'))(
  'an unreachable warehouse on $name',
  (backend) => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await backend.open()
      await migrateToLatest(t.db)
    })
    afterAll(async () => {
      await t?.dispose()
    })

    it('opens one incident for the connection, not one per table, and resolves it when it answers', async () => {
      const tables = ['analytics.a', 'analytics.b', 'analytics.c']
      const product = defineProduct({
        id: 'remote',
        name: 'Remote',
        owners: [{ slack: '#remote' }],
        tables: tables.map((name) => ({ name, connection: 'pg', timestampColumn: 'at' })),
        alerts: [
          ...tables.map((name) => freshness({ table: name, maxAge: '1h' })),
          schemaChange({ table: 'analytics.a' }),
        ],
      })
      const project = await createProject({
        products: [product],
        pipelines: [],
        config: defineConfig({
          definitions: ['(code)'],
          connections: { pg: { kind: 'postgres', urlEnv: 'PG_URL' } },
        }),
      })
      await deployCatalog(t.db, compileCatalog(project))
      const down = new WarehousePools({
        stewardHome: tmpdir(),
        variables: { PG_URL: 'postgres://steward:secret-pw@127.0.0.1:1/warehouse' },
      })
      try {
        const observed = await observeTables(t.db, down)
        expect(observed.map((o) => [o.table, o.unreachable])).toEqual(tables.map((name) => [name, true]))
        expect(observed.some((o) => o.error?.includes('secret-pw'))).toBe(false)
      } finally {
        await down.close()
      }
      const now = Date.now()
      await evaluateTimers(t.db, { now: new Date(now) })
      const open = () =>
        t.db
          .selectFrom('incidents')
          .select(['rule_kind', 'subject_key'])
          .where('product_id', '=', 'remote')
          .where('status', '=', 'open')
          .execute()
      expect(await open()).toEqual([{ rule_kind: 'freshness', subject_key: 'connection:pg' }])

      // The warehouse answers again (the test database, where the tables are missing): the connection's
      // incident resolves; each table is judged on its own, missing tables once past their promise.
      const up = new WarehousePools({ stewardHome: tmpdir(), variables: { PG_URL: testPostgresUrl } })
      try {
        await observeTables(t.db, up)
      } finally {
        await up.close()
      }
      await evaluateTimers(t.db, { now: new Date(now + 1000) })
      expect(await open()).toEqual([])
      await evaluateTimers(t.db, { now: new Date(now + 2 * hourMs) })
      const incidents = await t.db
        .selectFrom('incidents')
        .select(['subject_key', 'title'])
        .where('product_id', '=', 'remote')
        .where('status', '=', 'open')
        .orderBy('subject_key')
        .execute()
      expect(incidents).toEqual(
        tables.map((name) => ({
          subject_key: `table:${name}`,
          title: `${name} is stale: cannot be observed: table ${name} does not exist on connection "pg" (promise: 60 min)`,
        })),
      )
    })
  },
)
