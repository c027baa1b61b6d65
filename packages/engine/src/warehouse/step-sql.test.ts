import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { defineConfig, definePipeline, type Pipeline } from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
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

    async function runOne(pipeline: Pipeline) {
      h = new RuntimeHarness(t.db)
      // 3,600 dollars an hour: a millisecond on the warehouse costs a tenth of a cent.
      const config = defineConfig({
        definitions: ['(code)'],
        connections: { warehouse: { kind: 'duckdb', hourUsd: 3600 } },
      })
      await h.deploy([pipeline], { config })
      pools = new WarehousePools({ stewardHome: home, variables: {} })
      await h.startWorker({ warehouses: { pools } })
      const { runId } = await startRun(t.db, h.queue, {
        pipelineId: pipeline.id,
        params: {},
        trigger: 'manual',
      })
      return { ...(await waitForRun(t.db, runId, { timeoutMs: 20_000 })), runId }
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
          steps: (s) => s.step('load', { run: async (ctx) => void ctx.sql('pg') }),
        }),
      )
      expect(run.status).toBe('failed')
      expect(steps[0]?.error?.message).toBe(
        'no connection is named "pg": declare it in connections of steward.config.ts',
      )
    })
  },
)
