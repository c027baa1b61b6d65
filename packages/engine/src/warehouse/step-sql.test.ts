import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends, testPostgresUrl } from '@steward/db/testing'
import { defineConfig, definePipeline, type Pipeline } from '@steward/pipelines'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cancelRun } from '../runs/cancel-run.ts'
import { startRun } from '../runs/create-run.ts'
import { waitForRun } from '../runs/follow-run.ts'
import { RuntimeHarness, testProduct } from '../testing/runtime-harness.ts'
import { WarehousePools } from './warehouse-pools.ts'

describe.each(testBackends.filter((b) => b.name === 'postgres'))(
  'ctx.sql in the worker on $name',
  (backend) => {
    let t: TestDatabase
    let home: string
    let pools: WarehousePools
    let h: RuntimeHarness | undefined
    beforeAll(async () => {
      t = await backend.open()
      await migrateToLatest(t.db)
      home = await mkdtemp(path.join(tmpdir(), 'steward-step-sql-'))
    })
    afterEach(async () => {
      await h?.dispose()
      h = undefined
      await pools?.close()
    })
    afterAll(async () => {
      await t?.dispose()
      await rm(home, { recursive: true, force: true })
    })

    /** Deploys the pipeline, starts a worker and a run; `pg` is a PostgreSQL connection at `pgUrl`. */
    async function startOne(pipeline: Pipeline, pgUrl = testPostgresUrl) {
      h = new RuntimeHarness(t.db)
      // 3,600 dollars an hour: a millisecond on the warehouse costs a tenth of a cent.
      const config = defineConfig({
        definitions: ['(code)'],
        connections: {
          warehouse: { kind: 'duckdb', hourUsd: 3600 },
          pg: { kind: 'postgres', urlEnv: 'PG_URL' },
        },
      })
      await h.deploy([pipeline], { config })
      pools = new WarehousePools({ stewardHome: home, variables: { PG_URL: pgUrl } })
      await h.startWorker({ warehouses: { pools } })
      const { runId } = await startRun(t.db, h.queue, {
        pipelineId: pipeline.id,
        params: {},
        trigger: 'manual',
      })
      return runId
    }

    async function runOne(pipeline: Pipeline, pgUrl?: string) {
      const runId = await startOne(pipeline, pgUrl)
      return { ...(await waitForRun(t.db, runId, { timeoutMs: 20_000 })), runId }
    }

    /** The statements of a run still on the server (`application_name` says the run). */
    async function serverStatements(runId: string): Promise<string[]> {
      const admin = new pg.Client({ connectionString: testPostgresUrl })
      await admin.connect()
      try {
        const { rows } = await admin.query<{ query: string }>(
          "select query from pg_stat_activity where application_name like $1 and state = 'active'",
          [`steward run=${runId}%`],
        )
        return rows.map((row) => row.query)
      } finally {
        await admin.end()
      }
    }

    async function untilGone(runId: string, withinMs: number): Promise<number> {
      const started = Date.now()
      while ((await serverStatements(runId)).length > 0) {
        if (Date.now() - started > withinMs)
          throw new Error(`run ${runId}'s statement still runs on the server after ${withinMs} ms`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      return Date.now() - started
    }

    it('runs tagged, parameterised statements and records each one’s time, rows and cost on the attempt', async () => {
      const { run, steps, runId } = await runOne(
        definePipeline({
          id: 'sql.load',
          product: testProduct,
          steps: (s) =>
            s.step('load', {
              run: async (ctx) => {
                const sql = ctx.sql()
                await sql.query('create table if not exists daily (day date, host text)')
                const inserted = await sql.query(
                  "insert into daily values ('2026-12-01', $1), ('2026-12-01', $2)",
                  ['a', 'b\u0000c'],
                )
                const { rows } = await sql.query<{ n: bigint }>(
                  'select count(*) as n\nfrom daily where host <> $1',
                  ['x'],
                )
                return { inserted: inserted.rowCount, counted: Number(rows[0]?.n), kind: sql.kind }
              },
            }),
        }),
      )
      expect(run.error).toBeNull()
      expect(run.status).toBe('succeeded')
      expect(steps[0]?.output).toEqual({ inserted: 2, counted: 2, kind: 'duckdb' })
      const queries = await t.db
        .selectFrom('warehouse_queries')
        .select(['connection', 'statement', 'row_count', 'failed', 'ms', 'attempt_id'])
        .where('run_id', '=', runId)
        .orderBy('id')
        .execute()
      expect(
        queries.map(({ connection, statement, row_count, failed }) => [
          connection,
          statement,
          Number(row_count),
          failed,
        ]),
      ).toEqual([
        ['warehouse', 'create table if not exists daily (day date, host text)', 0, false],
        ['warehouse', "insert into daily values ('2026-12-01', $1), ('2026-12-01', $2)", 2, false],
        ['warehouse', 'select count(*) as n', 1, false],
      ])
      expect(queries.every((q) => q.ms >= 0 && q.attempt_id !== null)).toBe(true)
      const costs = await t.db
        .selectFrom('cost_entries')
        .select(['item', 'usd', 'quantity', 'unit'])
        .where('run_id', '=', runId)
        .where('kind', '=', 'warehouse')
        .execute()
      expect(costs).toHaveLength(3)
      for (const [i, cost] of costs.entries()) {
        expect(cost.item).toBe('warehouse warehouse')
        expect(cost.unit).toBe('warehouse-seconds')
        // usd = seconds × 3600 $/h / 3600 s/h, to the micro-dollar the column keeps.
        expect(Number(cost.usd)).toBeCloseTo(cost.quantity ?? Number.NaN, 5)
        expect(cost.quantity).toBeCloseTo((queries[i]?.ms ?? 0) / 1000, 6)
      }
    })

    it('fails the step with the connection, the step and the statement’s first line, and records the failed statement', async () => {
      const { run, steps, runId } = await runOne(
        definePipeline({
          id: 'sql.bad',
          product: testProduct,
          steps: (s) =>
            s.step('load', {
              run: async (ctx) => {
                await ctx.sql('warehouse').query('select *\n  from no_such_table where id = $1', [1])
              },
            }),
        }),
      )
      expect(run.status).toBe('failed')
      expect(steps[0]?.error?.message).toMatch(
        /^connection "warehouse" \(step load\): the query failed: .*no_such_table.* — in: select \*$/s,
      )
      expect(steps[0]?.error?.code).toBe('WAREHOUSE_QUERY_FAILED')
      const queries = await t.db
        .selectFrom('warehouse_queries')
        .select(['statement', 'failed'])
        .where('run_id', '=', runId)
        .execute()
      expect(queries).toEqual([{ statement: 'select *', failed: true }])
    })

    it('refuses a connection the catalog does not declare, naming it', async () => {
      const { run, steps } = await runOne(
        definePipeline({
          id: 'sql.unknown',
          product: testProduct,
          steps: (s) => s.step('load', { run: async (ctx) => void ctx.sql('elsewhere') }),
        }),
      )
      expect(run.status).toBe('failed')
      expect(steps[0]?.error?.message).toBe(
        'no connection is named "elsewhere": declare it in connections of steward.config.ts',
      )
    })

    it('names the connection, the step and the first line of a failing PostgreSQL statement, never the password', async () => {
      // The machine's PostgreSQL trusts local connections: the password is sent and ignored.
      const url = new URL(testPostgresUrl)
      url.password = 'hunter2-secret'
      const { run, steps, runId } = await runOne(
        definePipeline({
          id: 'sql.pg-bad',
          product: testProduct,
          steps: (s) =>
            s.step('load', {
              run: async (ctx) => {
                await ctx.sql('pg').query('select id\n  from no_such_table where id = $1', [1])
              },
            }),
        }),
        url.toString(),
      )
      expect(run.status).toBe('failed')
      expect(steps[0]?.error).toMatchObject({
        code: 'WAREHOUSE_QUERY_FAILED',
        message:
          'connection "pg" (step load): the query failed: relation "no_such_table" does not exist — in: select id',
      })
      const stored = await t.db.selectFrom('attempts').select('error').where('run_id', '=', runId).execute()
      const logs = await t.db.selectFrom('logs').select('message').where('run_id', '=', runId).execute()
      expect(JSON.stringify([stored, logs, run.error])).not.toContain('hunter2')
    })

    it('fails a step whose warehouse does not answer as retryable: it is tried again', async () => {
      const { run, steps } = await runOne(
        definePipeline({
          id: 'sql.pg-down',
          product: testProduct,
          steps: (s) =>
            s.step('load', {
              retries: 1,
              backoff: { type: 'fixed', delay: '100ms' },
              run: async (ctx) => {
                await ctx.sql('pg').query('select 1')
              },
            }),
        }),
        'postgres://steward:secret-pw@127.0.0.1:1/warehouse',
      )
      expect(run.status).toBe('failed')
      expect(steps[0]?.attempt_count).toBe(2)
      expect(steps[0]?.error).toMatchObject({
        code: 'WAREHOUSE_UNREACHABLE',
        message: expect.stringMatching(
          /^connection "pg" \(step load\): cannot reach the warehouse: .* — in: select 1$/,
        ),
      })
      expect(steps[0]?.error?.message).not.toContain('secret-pw')
    })

    it('cancels the running statement on the warehouse when the step times out', async () => {
      const { run, steps, runId } = await runOne(
        definePipeline({
          id: 'sql.pg-timeout',
          product: testProduct,
          steps: (s) =>
            s.step('load', {
              timeout: '1s',
              run: async (ctx) => {
                await ctx.sql('pg').query('select pg_sleep(30)')
              },
            }),
        }),
      )
      expect(run.status).toBe('failed')
      expect(steps[0]?.error?.code).toBe('STEP_TIMEOUT')
      expect(await untilGone(runId, 3_000)).toBeLessThan(3_000)
    })

    it('cancels the running statement on the warehouse when its run is cancelled', async () => {
      const runId = await startOne(
        definePipeline({
          id: 'sql.pg-cancel',
          product: testProduct,
          steps: (s) =>
            s.step('load', {
              run: async (ctx) => {
                await ctx.sql('pg').query('select pg_sleep(30)')
              },
            }),
        }),
      )
      const started = Date.now()
      while (!(await serverStatements(runId)).some((q) => q.includes('pg_sleep(30)'))) {
        if (Date.now() - started > 10_000) throw new Error('the step’s statement never reached the server')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      await cancelRun(t.db, runId, { queue: h?.queue })
      // The step sees its run cancelled within a heartbeat (1 s), then cancels its statement.
      expect(await untilGone(runId, 5_000)).toBeLessThan(5_000)
      const { run } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
      expect(run.status).toBe('cancelled')
    })
  },
)
