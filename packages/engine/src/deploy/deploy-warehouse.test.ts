import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { type ConnectionDecl, defineConfig, definePipeline, defineProduct } from '@steward/pipelines'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject } from '../loader/create-project.ts'
import { readConnections, readPublishedTables, readStepTables } from '../warehouse/warehouse-catalog.ts'
import { compileCatalog } from './compile-catalog.ts'
import { deployCatalog } from './deploy-catalog.ts'

const owners = [{ team: 'growth-data', slack: '#growth-data' }]

async function catalog(options: { connections?: Record<string, ConnectionDecl>; withScores?: boolean }) {
  const activity = defineProduct({
    id: 'app-activity',
    name: 'App activity',
    owners,
    tables: [
      {
        name: 'analytics.daily_activity',
        timestampColumn: 'day',
        personal: ['user_id'],
        checks: [
          { kind: 'notNull', column: 'host' },
          { kind: 'rowCount', min: 1, severity: 'warn' },
        ],
      },
      ...(options.withScores ? [{ name: 'analytics.scores', connection: 'pg' }] : []),
    ],
  })
  const plain = defineProduct({ id: 'plain', name: 'Plain', owners })
  const build = definePipeline({
    id: 'app-activity.build',
    product: activity,
    steps: (s) =>
      s.step('extract', { reads: ['raw.events'], run: async () => ({ n: 1 }) }).step('load', {
        needs: ['extract'],
        writes: ['analytics.daily_activity'],
        run: async () => undefined,
      }),
  })
  const project = await createProject({
    config: defineConfig({
      definitions: ['*.ts'],
      ...(options.connections ? { connections: options.connections } : {}),
    }),
    products: [activity, plain],
    pipelines: [build],
    root: import.meta.dirname,
  })
  return compileCatalog(project)
}

describe.each(testBackends.filter((b) => b.name === 'postgres'))(
  'the warehouse catalog on $name',
  (backend) => {
    let database: TestDatabase
    beforeAll(async () => {
      database = await backend.open()
      await migrateToLatest(database.db)
    })
    afterAll(async () => {
      await database?.dispose()
    })

    it('stores the embedded default connection, tables with their checks, and step reads and writes', async () => {
      const compiled = await catalog({})
      await deployCatalog(database.db, compiled)
      expect(Object.fromEntries(await readConnections(database.db))).toEqual({
        warehouse: { kind: 'duckdb' },
      })
      expect(await readPublishedTables(database.db)).toEqual([
        {
          name: 'analytics.daily_activity',
          productId: 'app-activity',
          connection: 'warehouse',
          timestampColumn: 'day',
          partitionColumn: null,
          personal: ['user_id'],
          checks: [
            { kind: 'notNull', column: 'host', name: 'not_null(host)', severity: 'error' },
            { kind: 'rowCount', min: 1, name: 'row_count(1..)', severity: 'warn' },
          ],
        },
      ])
      expect(await readStepTables(database.db, { pipelineId: 'app-activity.build' })).toEqual([
        { pipelineId: 'app-activity.build', stepId: 'extract', access: 'read', table: 'raw.events' },
        {
          pipelineId: 'app-activity.build',
          stepId: 'load',
          access: 'write',
          table: 'analytics.daily_activity',
        },
      ])
      const steps = compiled.pipelines[0]?.steps
      expect(steps?.map((step) => [step.reads, step.writes])).toEqual([
        [['raw.events'], undefined],
        [undefined, ['analytics.daily_activity']],
      ])
      // A product without tables hashes as it did before tables existed.
      expect(compiled.products.find((p) => p.id === 'plain')?.definition_hash).toBe(
        (await catalog({ withScores: false })).products.find((p) => p.id === 'plain')?.definition_hash,
      )
    })

    it('keeps names of secrets, never values, and follows the code on the next deploy', async () => {
      const connections: Record<string, ConnectionDecl> = {
        warehouse: { kind: 'duckdb', file: 'data/wh.duckdb', hourUsd: 0.5 },
        pg: { kind: 'postgres', urlEnv: 'WAREHOUSE_URL' },
      }
      const before = (await catalog({})).products.find((p) => p.id === 'app-activity')?.definition_hash
      const compiled = await catalog({ connections, withScores: true })
      const result = await deployCatalog(database.db, compiled)
      expect(result.products.updated).toContain('app-activity')
      expect(compiled.products.find((p) => p.id === 'app-activity')?.definition_hash).not.toBe(before)
      expect(Object.fromEntries(await readConnections(database.db))).toEqual(connections)
      expect(
        (await readPublishedTables(database.db, { productId: 'app-activity' })).map((t) => t.name),
      ).toEqual(['analytics.daily_activity', 'analytics.scores'])

      await deployCatalog(database.db, await catalog({}))
      expect([...(await readConnections(database.db)).keys()]).toEqual(['warehouse'])
      expect((await readPublishedTables(database.db)).map((t) => t.name)).toEqual([
        'analytics.daily_activity',
      ])
      expect(await readStepTables(database.db, { table: 'analytics.daily_activity' })).toEqual([
        {
          pipelineId: 'app-activity.build',
          stepId: 'load',
          access: 'write',
          table: 'analytics.daily_activity',
        },
      ])
    })
  },
)
