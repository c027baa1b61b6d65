import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { testPostgresUrl } from '@steward/db/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWarehouse } from './open-warehouse.ts'
import { WarehousePools } from './warehouse-pools.ts'

let home: string
beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'steward-warehouse-'))
})
afterAll(async () => {
  await rm(home, { recursive: true, force: true })
})

describe('DuckDB', () => {
  it('runs parameterised statements on $STEWARD_HOME/<name>.duckdb, counting rows returned and changed', async () => {
    const warehouse = openWarehouse('warehouse', { kind: 'duckdb' }, { stewardHome: home, variables: {} })
    try {
      await warehouse.query('create schema analytics')
      await warehouse.query('create table analytics.daily (day timestamptz, host text, n integer)')
      const tag = { runId: 'run-1', stepId: 'load' }
      const day = new Date('2026-12-01T00:00:00Z')
      const inserted = await warehouse.query(
        'insert into analytics.daily values ($1, $2, $3), ($1, $4, $3)',
        [day, 'a', 3, "b'); drop table analytics.daily; --"],
        tag,
      )
      expect(inserted.rowCount).toBe(2)
      const { rows, rowCount, ms } = await warehouse.query<{ host: string; n: number; day: Date }>(
        'select host, n, day from analytics.daily where day = $1 order by host',
        [day],
        tag,
      )
      expect(rowCount).toBe(2)
      expect(ms).toBeGreaterThanOrEqual(0)
      expect(rows.map((row) => row.host)).toEqual(['a', "b'); drop table analytics.daily; --"])
      expect(rows[0]?.day.toISOString()).toBe(day.toISOString())
    } finally {
      await warehouse.close()
    }
  })

  it('names the connection, the step and the first line of a failing statement', async () => {
    const warehouse = openWarehouse(
      'warehouse',
      { kind: 'duckdb', file: 'errors.duckdb' },
      { stewardHome: home, variables: {} },
    )
    try {
      await expect(
        warehouse.query('\n  select * from no_such_table\n  where 1 = 1', [], { runId: 'r', stepId: 'load' }),
      ).rejects.toMatchObject({
        code: 'WAREHOUSE_QUERY_FAILED',
        message: expect.stringMatching(
          /^connection "warehouse" \(step load\): the query failed: .*no_such_table.* — in: select \* from no_such_table$/s,
        ),
      })
    } finally {
      await warehouse.close()
    }
  })

  it('interrupts a running statement when its signal aborts, saying why, and refuses to start another', async () => {
    const warehouse = openWarehouse(
      'warehouse',
      { kind: 'duckdb', file: 'interrupt.duckdb' },
      { stewardHome: home, variables: {} },
    )
    try {
      const controller = new AbortController()
      setTimeout(() => controller.abort({ kind: 'timeout', timeoutMs: 300 }), 300)
      const started = performance.now()
      // Ten billion rows: minutes of work, unless interrupted.
      const error = await warehouse
        .query(
          'select sum(i % 7) as s\nfrom range(10000000000) t(i)',
          [],
          { runId: 'r', stepId: 'load' },
          controller.signal,
        )
        .catch((e: Error) => e)
      expect(error).toMatchObject({
        code: 'WAREHOUSE_QUERY_CANCELLED',
        message:
          'connection "warehouse" (step load): the query was cancelled: the step timed out after 300 ms — in: select sum(i % 7) as s',
      })
      expect(performance.now() - started).toBeLessThan(5_000)
      await expect(warehouse.query('select 1', [], undefined, controller.signal)).rejects.toMatchObject({
        code: 'WAREHOUSE_QUERY_CANCELLED',
      })
      // The file and its instance still serve other queries.
      expect((await warehouse.query<{ n: number }>('select 42 as n')).rows).toEqual([{ n: 42 }])
    } finally {
      await warehouse.close()
    }
  })

  it('lets go of the file when idle, and waits for another process that holds it', async () => {
    const file = path.join(home, 'shared.duckdb')
    const warehouse = openWarehouse('shared', { kind: 'duckdb', file }, { stewardHome: home, variables: {} })
    try {
      await warehouse.query('create table t (a integer)')
      // Another process takes the file as soon as this one lets go (2 s idle), holds it 1 s, writes a row.
      const script = `
        const { DuckDBInstance } = await import('@duckdb/node-api')
        for (;;) {
          try {
            const instance = await DuckDBInstance.create(${JSON.stringify(file)})
            const c = await instance.connect()
            await c.run('insert into t values (42)')
            console.log('held')
            await new Promise((r) => setTimeout(r, 1000))
            c.closeSync(); instance.closeSync(); break
          } catch (e) { if (!/lock/i.test(e.message)) throw e; await new Promise((r) => setTimeout(r, 50)) }
        }`
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: import.meta.dirname,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const exited = new Promise((resolve) => child.once('exit', resolve))
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (data: Buffer) => data.toString().includes('held') && resolve())
        void exited.then((code) =>
          reject(new Error(`the other process exited (${code}) before holding the file`)),
        )
      })
      const { rows } = await warehouse.query<{ a: number }>('select a from t')
      expect(rows).toEqual([{ a: 42 }])
      expect(await exited).toBe(0)
    } finally {
      await warehouse.close()
    }
  }, 20_000)
})

describe('PostgreSQL', () => {
  const schema = `wh_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: testPostgresUrl })
  beforeAll(async () => {
    await admin.connect()
    await admin.query(`create schema ${schema}`)
  })
  afterAll(async () => {
    await admin.query(`drop schema ${schema} cascade`)
    await admin.end()
  })

  it('tags each statement with the run and step: application_name and a leading comment', async () => {
    const pools = new WarehousePools({ stewardHome: home, variables: { WAREHOUSE_URL: testPostgresUrl } })
    const warehouse = pools.get('pg', { kind: 'postgres', urlEnv: 'WAREHOUSE_URL' })
    expect(pools.get('pg', { kind: 'postgres', urlEnv: 'WAREHOUSE_URL' })).toBe(warehouse)
    try {
      await warehouse.query(`create table ${schema}.t (id integer, name text)`)
      const inserted = await warehouse.query(`insert into ${schema}.t values ($1, $2), ($3, $4)`, [
        1,
        'a',
        2,
        'b',
      ])
      expect(inserted.rowCount).toBe(2)
      const { rows } = await warehouse.query<{ application_name: string; query: string }>(
        'select application_name, query from pg_stat_activity where pid = pg_backend_pid()',
        [],
        { runId: 'run-7', stepId: 'load' },
      )
      expect(rows[0]?.application_name).toBe('steward run=run-7 step=load')
      expect(rows[0]?.query).toMatch(/^\/\* steward run=run-7 step=load \*\/ select application_name/)
      const counted = await warehouse.query(`select * from ${schema}.t where id >= $1`, [1], {
        purpose: 'observe',
      })
      expect(counted.rowCount).toBe(2)
    } finally {
      await pools.close()
    }
  })

  it('cancels a running statement on the server when its signal aborts', async () => {
    const pools = new WarehousePools({ stewardHome: home, variables: { WAREHOUSE_URL: testPostgresUrl } })
    const warehouse = pools.get('pg', { kind: 'postgres', urlEnv: 'WAREHOUSE_URL' })
    const tag = { runId: `run-${randomBytes(4).toString('hex')}`, stepId: 'load' }
    const running = async () =>
      (
        await admin.query<{ pid: number }>(
          "select pid from pg_stat_activity where application_name = $1 and state = 'active'",
          [`steward run=${tag.runId} step=load`],
        )
      ).rows
    try {
      const controller = new AbortController()
      const sleeping = warehouse
        .query('select pg_sleep(30)', [], tag, controller.signal)
        .catch((e: Error) => e)
      for (let i = 0; (await running()).length === 0; i++) {
        if (i > 100) throw new Error('pg_sleep never started')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const started = performance.now()
      controller.abort({ kind: 'cancelled', message: 'the run was cancelled' })
      expect(await sleeping).toMatchObject({
        code: 'WAREHOUSE_QUERY_CANCELLED',
        message:
          'connection "pg" (step load): the query was cancelled: the run was cancelled — in: select pg_sleep(30)',
      })
      expect(performance.now() - started).toBeLessThan(3_000)
      expect(await running()).toEqual([])
      // The pool goes on serving queries (the cancelled statement's connection was thrown away).
      expect((await warehouse.query<{ n: number }>('select 1 as n')).rows).toEqual([{ n: 1 }])
    } finally {
      await pools.close()
    }
  })

  it('fails as unreachable without showing the password, and refuses an unset URL variable', async () => {
    const url = 'postgres://ana:hunter2-secret@127.0.0.1:1/warehouse'
    const warehouse = openWarehouse(
      'pg',
      { kind: 'postgres', urlEnv: 'PG_URL' },
      { stewardHome: home, variables: { PG_URL: url } },
    )
    try {
      const error = await warehouse
        .query('select 1', [], { runId: 'r', stepId: 'load' })
        .catch((e: Error) => e)
      expect(error).toMatchObject({
        code: 'WAREHOUSE_UNREACHABLE',
        message: expect.stringMatching(
          /^connection "pg" \(step load\): cannot reach the warehouse: .* — in: select 1$/,
        ),
      })
      expect((error as Error).message).not.toContain('hunter2')
    } finally {
      await warehouse.close()
    }
    expect(() =>
      openWarehouse('pg', { kind: 'postgres', urlEnv: 'PG_URL' }, { stewardHome: home, variables: {} }),
    ).toThrow(
      'connection "pg": the environment variable PG_URL is not set; set it to the PostgreSQL URL of the warehouse',
    )
  })
})
