import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends, testPostgresUrl } from '@steward/db/testing'
import { type ConnectionDecl, defineConfig, defineProduct } from '@steward/pipelines'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileCatalog } from '../deploy/compile-catalog.ts'
import { deployCatalog } from '../deploy/deploy-catalog.ts'
import { createProject } from '../loader/create-project.ts'
import { observeTables } from './observe-tables.ts'
import type { WarehouseClient } from './warehouse-client.ts'
import { WarehousePools } from './warehouse-pools.ts'

describe.each(testBackends.filter((b) => b.name === 'postgres'))(
  'observing PostgreSQL tables on $name',
  (backend) => {
    const schema = `obs_${randomBytes(5).toString('hex')}`
    const admin = new pg.Client({ connectionString: testPostgresUrl })
    let t: TestDatabase
    let pools: WarehousePools
    beforeAll(async () => {
      t = await backend.open()
      await migrateToLatest(t.db)
      await admin.connect()
      await admin.query(`create schema ${schema}`)
      await admin.query(`create table ${schema}.events (id integer, at timestamptz, host text)`)
      await admin.query(
        `insert into ${schema}.events select i, timestamptz '2026-12-01 00:00:00Z' + i * interval '1 minute', 'h' from generate_series(1, 50) i`,
      )
      await admin.query(`analyze ${schema}.events`)
      const product = defineProduct({
        id: 'events',
        name: 'Events',
        owners: [{ slack: '#events' }],
        tables: [
          { name: `${schema}.events`, connection: 'pg', timestampColumn: 'at' },
          { name: `${schema}.missing`, connection: 'pg' },
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
      pools = new WarehousePools({ stewardHome: tmpdir(), variables: { PG_URL: testPostgresUrl } })
    })
    afterAll(async () => {
      await pools?.close()
      await admin.query(`drop schema ${schema} cascade`)
      await admin.end()
      await t?.dispose()
    })

    it('counts rows, reads the newest timestamp and the columns, and says which table is missing', async () => {
      const observed = await observeTables(t.db, pools)
      expect(observed).toEqual([
        {
          table: `${schema}.events`,
          connection: 'pg',
          rowCount: 50,
          rowCountEstimated: false,
          newestAt: new Date('2026-12-01T00:50:00Z'),
          columns: [
            { name: 'id', type: 'integer' },
            { name: 'at', type: 'timestamp with time zone' },
            { name: 'host', type: 'text' },
          ],
          error: null,
          unreachable: false,
        },
        expect.objectContaining({
          table: `${schema}.missing`,
          rowCount: null,
          error: `table ${schema}.missing does not exist on connection "pg"`,
          unreachable: false,
        }),
      ])
      const stored = await t.db.selectFrom('table_observations').selectAll().orderBy('table_name').execute()
      expect(
        stored.map((row) => [
          row.table_name,
          row.row_count === null ? null : Number(row.row_count),
          row.error === null,
        ]),
      ).toEqual([
        [`${schema}.events`, 50, true],
        [`${schema}.missing`, null, false],
      ])
    })

    it('reads the catalog of all tables at once, then sends one statement per table that exists', async () => {
      const sent: string[] = []
      const counting = new (class extends WarehousePools {
        override get(name: string, decl: ConnectionDecl | undefined): WarehouseClient {
          const client = super.get(name, decl)
          return {
            ...client,
            query: (text, params, tag, signal) => {
              sent.push(text.trim().split('\n')[0] ?? '')
              return client.query(text, params, tag, signal)
            },
          }
        }
      })({ stewardHome: tmpdir(), variables: { PG_URL: testPostgresUrl } })
      try {
        await observeTables(t.db, counting)
      } finally {
        await counting.close()
      }
      expect(sent).toEqual([
        'select 1',
        'select w.i, c.column_name as name, c.data_type as type',
        'select w.i, c.reltuples::float8 as estimate',
        `select count(*) as n, max(at)::timestamptz as newest from ${schema}.events`,
      ])
    })

    it('takes PostgreSQL’s estimate for large tables, and skips tables observed lately', async () => {
      const [events] = await observeTables(t.db, pools, { tables: [`${schema}.events`], estimateAbove: 10 })
      expect(events).toMatchObject({ rowCount: 50, rowCountEstimated: true })
      expect(await observeTables(t.db, pools, { olderThanMs: 60_000 })).toEqual([])
    })
  },
)
