import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { migrateToLatest, type StoredCheck } from '@steward/db'
import { type TestDatabase, testBackends, testPostgresUrl } from '@steward/db/testing'
import {
  checkNameOf,
  defineConfig,
  definePipeline,
  defineProduct,
  type TableCheck,
  type WarehouseSql,
} from '@steward/pipelines'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Project } from '../loader/project.ts'
import { startRun } from '../runs/create-run.ts'
import { waitForRun } from '../runs/follow-run.ts'
import { RuntimeHarness } from '../testing/runtime-harness.ts'
import { quoteName } from './check-sql.ts'
import { checkSqlProblems } from './check-sql-problems.ts'
import { runTableChecks } from './run-checks.ts'
import type { WarehouseClient } from './warehouse-client.ts'
import { WarehousePools } from './warehouse-pools.ts'

let home: string
beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'steward-checks-'))
})
afterAll(async () => {
  await rm(home, { recursive: true, force: true })
})

const stored = (check: TableCheck): StoredCheck =>
  ({ ...check, name: checkNameOf(check), severity: check.severity ?? 'error' }) as StoredCheck

function asSql(client: WarehouseClient): WarehouseSql {
  return { connection: client.name, kind: client.kind, query: (text, params) => client.query(text, params) }
}

/** Each kind, with the failing rows it finds in `badRows` (none in `goodRows`). */
function checksOn(schema: string): { check: TableCheck; failing: number }[] {
  return [
    { check: { kind: 'notNull', column: 'status' }, failing: 1 },
    // id 2 is held by three rows: three failing rows.
    { check: { kind: 'unique', columns: ['id'] }, failing: 3 },
    { check: { kind: 'acceptedValues', column: 'status', values: ['paid', 'open'] }, failing: 2 },
    // 5 rows, at most 3: two rows too many.
    { check: { kind: 'rowCount', min: 1, max: 3 }, failing: 2 },
    {
      check: {
        kind: 'relationship',
        column: 'customer_id',
        to: { table: `${schema}.customers`, column: 'id' },
      },
      failing: 2,
    },
    {
      check: { kind: 'sql', name: 'no ids past 3', sql: `select * from ${schema}.orders where id > 3;` },
      failing: 1,
    },
  ]
}

const goodRows =
  "(1, 'paid', 1, 'a@example.com'), (2, 'open', 2, 'b@example.com'), (3, 'open', null, 'c@example.com')"
const badRows =
  "(1, 'paid', 1, 'a@example.com'), (2, 'open', 2, 'b@example.com'), (2, 'bogus', 9, 'c@example.com'), (2, null, null, 'd@example.com'), (4, 'weird', 8, 'e@example.com')"

function checkKinds(
  name: string,
  open: () => Promise<{ sql: WarehouseSql; schema: string; close: () => Promise<void> }>,
) {
  describe(`each check kind on ${name}`, () => {
    let sql: WarehouseSql
    let schema: string
    let close: () => Promise<void>
    beforeAll(async () => {
      ;({ sql, schema, close } = await open())
      await sql.query(`create table ${schema}.customers (id integer)`)
      await sql.query(`insert into ${schema}.customers values (1), (2)`)
      await sql.query(
        `create table ${schema}.orders (id integer, status text, customer_id integer, email text)`,
      )
    })
    afterAll(async () => close())

    const table = (checks: TableCheck[]) => ({
      name: `${schema}.orders`,
      productId: 'p',
      connection: sql.connection,
      timestampColumn: null,
      partitionColumn: null,
      personal: ['email'],
      checks: checks.map(stored),
    })

    it('passes every check on good data', async () => {
      await sql.query(`delete from ${schema}.orders`)
      await sql.query(`insert into ${schema}.orders values ${goodRows}`)
      const results = await runTableChecks(sql, table(checksOn(schema).map((c) => c.check)))
      expect(results.map((r) => [r.name, r.status, r.failingCount, r.sample, r.error])).toEqual(
        checksOn(schema).map((c) => [checkNameOf(c.check), 'passed', 0, null, null]),
      )
    })

    it('fails every check on bad data with the exact failing count, sampling no personal column', async () => {
      await sql.query(`delete from ${schema}.orders`)
      await sql.query(`insert into ${schema}.orders values ${badRows}`)
      const results = await runTableChecks(sql, table(checksOn(schema).map((c) => c.check)))
      expect(results.map((r) => [r.name, r.status, r.failingCount])).toEqual(
        checksOn(schema).map((c) => [checkNameOf(c.check), 'failed', c.failing]),
      )
      for (const result of results) {
        expect(result.sample?.length).toBeGreaterThan(0)
        expect(result.sample?.length).toBeLessThanOrEqual(5)
        expect(JSON.stringify(result.sample)).not.toContain('example.com')
        for (const row of result.sample ?? []) expect(Object.keys(row)).not.toContain('email')
      }
      const byKind = new Map(results.map((r) => [r.kind, r.sample]))
      expect(byKind.get('notNull')).toEqual([{ id: 2, status: null, customer_id: null }])
      expect(byKind.get('unique')).toEqual([{ id: 2, duplicates: 3 }])
      expect(byKind.get('rowCount')).toEqual([{ rows: 5, min: 1, max: 3 }])
      expect(
        byKind
          .get('acceptedValues')
          ?.map((row) => row.status)
          .sort(),
      ).toEqual(['bogus', 'weird'])
    })

    it('answers a check whose SQL is invalid as an error carrying the SQL’s own message', async () => {
      const [result] = await runTableChecks(
        sql,
        table([{ kind: 'sql', name: 'broken', sql: `select * from ${schema}.no_such_table` }]),
      )
      expect(result).toMatchObject({ status: 'error', failingCount: null, sample: null })
      expect(result?.error).toMatch(/no_such_table/)
    })
  })
}

checkKinds('DuckDB', async () => {
  const pools = new WarehousePools({ stewardHome: home, variables: {} })
  const client = pools.get('warehouse', { kind: 'duckdb', file: 'checks.duckdb' })
  await client.query('create schema s')
  return { sql: asSql(client), schema: 's', close: () => pools.close() }
})

checkKinds('PostgreSQL', async () => {
  const schema = `wh_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: testPostgresUrl })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  const pools = new WarehousePools({ stewardHome: home, variables: { WAREHOUSE_URL: testPostgresUrl } })
  const client = pools.get('pg', { kind: 'postgres', urlEnv: 'WAREHOUSE_URL' })
  return {
    sql: asSql(client),
    schema,
    close: async () => {
      await pools.close()
      await admin.query(`drop schema ${schema} cascade`)
      await admin.end()
    },
  }
})

describe('quoteName', () => {
  it('quotes each part, lower-cased on PostgreSQL as an unquoted name folds, and refuses non-identifiers', () => {
    expect(quoteName('Analytics.Daily', 'postgres', 'table')).toBe('"analytics"."daily"')
    expect(quoteName('Analytics.Daily', 'duckdb', 'table')).toBe('"Analytics"."Daily"')
    expect(quoteName('order', 'postgres', 'column')).toBe('"order"')
    expect(() => quoteName('x"; drop table t; --', 'postgres', 'column')).toThrow(/is not a column name/)
    expect(() => quoteName('a.b', 'duckdb', 'column')).toThrow(/is not a column name/)
  })
})

describe.each(testBackends.filter((b) => b.name === 'postgres'))(
  'checks in the worker on $name',
  (backend) => {
    let t: TestDatabase
    let pools: WarehousePools | undefined
    let h: RuntimeHarness | undefined
    beforeAll(async () => {
      t = await backend.open()
      await migrateToLatest(t.db)
    })
    afterEach(async () => {
      await h?.dispose()
      h = undefined
      await pools?.close()
    })
    afterAll(async () => {
      await t?.dispose()
    })

    const product = defineProduct({
      id: 'checked',
      name: 'Checked',
      owners: [{ team: 'steward', slack: '#steward' }],
      tables: [
        {
          name: 'w.orders',
          personal: ['email'],
          checks: [
            { kind: 'notNull', column: 'status' },
            { kind: 'acceptedValues', column: 'status', values: ['paid', 'open'], severity: 'warn' },
          ],
        },
      ],
    })

    async function runWith(id: string, rows: string) {
      const published: string[] = []
      const pipeline = definePipeline({
        id,
        product,
        steps: (s) =>
          s
            .step('load', {
              writes: ['w.orders'],
              run: async (ctx) => {
                const sql = ctx.sql()
                await sql.query('create schema if not exists w')
                await sql.query('create or replace table w.orders (id integer, status text, email text)')
                await sql.query(`insert into w.orders values ${rows}`)
              },
            })
            .step('publish', {
              needs: ['load'],
              run: async () => {
                published.push(id)
              },
            }),
      })
      h = new RuntimeHarness(t.db)
      const config = defineConfig({
        definitions: ['(code)'],
        connections: { warehouse: { kind: 'duckdb', file: `${id}.duckdb` } },
      })
      await h.deploy([pipeline], { config, products: [product] })
      pools = new WarehousePools({ stewardHome: home, variables: {} })
      await h.startWorker({ warehouses: { pools } })
      const { runId } = await startRun(t.db, h.queue, { pipelineId: id, params: {}, trigger: 'manual' })
      const ended = await waitForRun(t.db, runId, { timeoutMs: 20_000 })
      const results = await t.db
        .selectFrom('check_results')
        .selectAll()
        .where('run_id', '=', runId)
        .orderBy('id')
        .execute()
      return { ...ended, runId, results, published }
    }

    it('an error check failing fails the step without retries, and no downstream step runs', async () => {
      const { run, steps, results, published } = await runWith(
        'checks.bad',
        "(1, null, 'a@example.com'), (2, null, 'b@example.com'), (3, 'bogus', 'c@example.com')",
      )
      expect(run.status).toBe('failed')
      const load = steps.find((s) => s.step_id === 'load')
      expect(load?.status).toBe('failed')
      expect(load?.attempt_count).toBe(1)
      expect(load?.error?.code).toBe('CHECK_FAILED')
      expect(load?.error?.message).toBe('check not_null(status) on table w.orders failed: 2 failing rows')
      expect(steps.find((s) => s.step_id === 'publish')?.status).not.toBe('succeeded')
      expect(published).toEqual([])
      expect(
        results.map((r) => [
          r.table_name,
          r.check_name,
          r.severity,
          r.status,
          Number(r.failing_count),
          r.product_id,
        ]),
      ).toEqual([
        ['w.orders', 'not_null(status)', 'error', 'failed', 2, 'checked'],
        ['w.orders', 'accepted_values(status)', 'warn', 'failed', 1, 'checked'],
      ])
      expect(results[0]?.sample).toEqual([
        { id: 1, status: null },
        { id: 2, status: null },
      ])
      expect(JSON.stringify(results.map((r) => r.sample))).not.toContain('example.com')
      expect(results.every((r) => r.step_run_id === load?.id && r.attempt_id !== null)).toBe(true)
    })

    it('a warn check failing is recorded and the run goes on', async () => {
      const { run, results, published, runId } = await runWith(
        'checks.warn',
        "(1, 'paid', 'a@example.com'), (2, 'bogus', 'b@example.com')",
      )
      expect(run.status).toBe('succeeded')
      expect(published).toEqual(['checks.warn'])
      expect(results.map((r) => [r.check_name, r.status, Number(r.failing_count)])).toEqual([
        ['not_null(status)', 'passed', 0],
        ['accepted_values(status)', 'failed', 1],
      ])
      const logs = await t.db
        .selectFrom('logs')
        .select(['level', 'message'])
        .where('run_id', '=', runId)
        .execute()
      expect(logs).toContainEqual({
        level: 'warn',
        message: 'check accepted_values(status) on table w.orders: 1 failing row',
      })
    })
  },
)

describe('check SQL at deploy', () => {
  function projectWith(file: string, checks: TableCheck[], tableName = 'v.orders'): Project {
    const product = defineProduct({
      id: 'validated',
      name: 'Validated',
      owners: [{ team: 'steward', slack: '#steward' }],
      tables: [{ name: tableName, checks }],
    })
    return {
      root: home,
      configFile: 'steward.config.ts',
      config: defineConfig({ definitions: ['(code)'], connections: { warehouse: { kind: 'duckdb', file } } }),
      products: [{ definition: product, file: 'products/validated.ts', docsPath: null, docsMarkdown: null }],
      pipelines: [],
      files: [],
    } as unknown as Project
  }

  it('names the check whose SQL the warehouse refuses, and leaves tables not created yet to their first run', async () => {
    const pools = new WarehousePools({ stewardHome: home, variables: {} })
    try {
      const client = pools.get('warehouse', { kind: 'duckdb', file: 'validate.duckdb' })
      await client.query('create schema v')
      await client.query('create table v.orders (id integer, status text)')
    } finally {
      await pools.close()
    }
    const env = { stewardHome: home, variables: {} }
    const problems = await checkSqlProblems(
      projectWith('validate.duckdb', [
        { kind: 'notNull', column: 'status' },
        { kind: 'notNull', column: 'no_such_column' },
        { kind: 'sql', name: 'typo', sql: 'selec * from v.orders' },
        { kind: 'acceptedValues', column: 'status', values: ['a', 'b'] },
      ]),
      env,
    )
    expect(problems.map((p) => [p.file, p.definition, p.field])).toEqual([
      ['products/validated.ts', 'product validated', 'tables[0].checks[1]'],
      ['products/validated.ts', 'product validated', 'tables[0].checks[2]'],
    ])
    expect(problems[0]?.message).toMatch(
      /^check not_null\(no_such_column\) on v\.orders does not run on connection "warehouse": .*no_such_column/s,
    )
    expect(problems[1]?.message).toMatch(
      /^check typo on v\.orders does not run on connection "warehouse": .*selec/s,
    )
    // The table does not exist yet: nothing to judge before its pipeline creates it.
    expect(
      await checkSqlProblems(
        projectWith('validate.duckdb', [{ kind: 'notNull', column: 'x' }], 'v.later'),
        env,
      ),
    ).toEqual([])
  })
})
