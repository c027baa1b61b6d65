import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterSuccessOf, definePipeline, defineProduct } from '@steward/pipelines'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createProject } from '../loader/create-project.ts'
import { compileCatalog } from './compile-catalog.ts'
import { deployCatalog } from './deploy-catalog.ts'

interface Variant {
  /** Retries of the funnel step: changing it changes the pipeline's definition. */
  retries?: number
  /** Leave the churn product and pipeline out, as if deleted from code. */
  withoutChurn?: boolean
}

/** A freshly loaded catalog, as `steward deploy` in a new process would compile it. */
async function catalog(variant: Variant = {}) {
  const funnel = defineProduct({
    id: 'weekly-signup-funnel',
    name: 'Weekly signup funnel',
    owners: [{ team: 'growth-data', slack: '#growth-data' }],
    tags: ['growth', 'weekly'],
    freshness: { maxAge: '8d' },
    budget: { monthlyUsd: 200 },
  })
  const churn = defineProduct({ id: 'churn-scores', name: 'Churn scores', owners: [{ slack: '#ml' }] })
  const scoring = definePipeline({
    id: 'churn.score',
    product: churn,
    schedule: { cron: '15 2 * * *', timezone: 'UTC' },
    steps: (s) => s.step('score', { run: async () => ({ rows: 1 }) }),
  })
  const counts = definePipeline({
    id: 'app-activity.counts',
    product: funnel,
    steps: (s) => s.step('count', { run: async () => ({ rows: 1 }) }),
  })
  const build = definePipeline({
    id: 'signup-funnel.build',
    product: funnel,
    schedule: { cron: '0 6 * * 1', timezone: 'Asia/Seoul' },
    triggers: [afterSuccessOf(counts)],
    params: z.object({ week: z.string().optional() }),
    steps: (s) =>
      s.step('extract', { timeout: '10m', run: async () => ({ path: 'x' }) }).step('funnel', {
        needs: ['extract'],
        retries: variant.retries ?? 2,
        run: async (_ctx, { extract }) => extract,
      }),
  })
  const project = await createProject({
    products: variant.withoutChurn ? [funnel] : [funnel, churn],
    pipelines: variant.withoutChurn ? [counts, build] : [counts, build, scoring],
    root: import.meta.dirname,
  })
  return compileCatalog(project)
}

describe.each(testBackends)('deployCatalog on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterAll(async () => {
    await t?.dispose()
  })

  const pipelineRows = () =>
    t.db
      .selectFrom('pipelines')
      .select(['id', 'version', 'definition_hash', 'archived_at'])
      .orderBy('id')
      .execute()
  const versionRows = () =>
    t.db
      .selectFrom('pipeline_versions')
      .select(['pipeline_id', 'version', 'definition_hash', 'definition'])
      .orderBy('pipeline_id')
      .orderBy('version')
      .execute()

  it('creates products, pipelines and their first versions', async () => {
    const compiled = await catalog()
    const result = await deployCatalog(t.db, compiled)
    expect(result.products).toEqual({
      created: ['weekly-signup-funnel', 'churn-scores'],
      updated: [],
      unchanged: [],
      archived: [],
    })
    expect(result.pipelines).toEqual({
      created: ['app-activity.counts', 'signup-funnel.build', 'churn.score'],
      updated: [],
      unchanged: [],
      archived: [],
      versions: [
        { id: 'app-activity.counts', version: 1 },
        { id: 'signup-funnel.build', version: 1 },
        { id: 'churn.score', version: 1 },
      ],
    })
    expect(result.schedules).toEqual([
      { pipelineId: 'signup-funnel.build', cron: '0 6 * * 1', timezone: 'Asia/Seoul' },
      { pipelineId: 'churn.score', cron: '15 2 * * *', timezone: 'UTC' },
    ])

    const product = await t.db
      .selectFrom('products')
      .selectAll()
      .where('id', '=', 'weekly-signup-funnel')
      .executeTakeFirstOrThrow()
    expect(product).toMatchObject({
      name: 'Weekly signup funnel',
      owners: [{ team: 'growth-data', slack: '#growth-data' }],
      stakeholders: [],
      tags: ['growth', 'weekly'],
      freshness_max_age_seconds: 691_200,
      budget_monthly_usd: '200.00',
      source_file: 'deploy-catalog.test.ts',
      archived_at: null,
      definition_hash: compiled.products[0]?.definition_hash,
    })

    const build = await t.db
      .selectFrom('pipelines')
      .selectAll()
      .where('id', '=', 'signup-funnel.build')
      .executeTakeFirstOrThrow()
    expect(build).toMatchObject({
      product_id: 'weekly-signup-funnel',
      version: 1,
      schedule_cron: '0 6 * * 1',
      schedule_timezone: 'Asia/Seoul',
      triggers: [{ kind: 'upstream', pipeline: 'app-activity.counts' }],
      params_schema: { type: 'object', properties: { week: { type: 'string' } } },
      steps: [
        { id: 'extract', needs: [], retries: 0, backoffMs: 10_000, timeoutMs: 600_000 },
        { id: 'funnel', needs: ['extract'], retries: 2, backoffMs: 10_000, timeoutMs: null },
      ],
      archived_at: null,
    })
    const versions = await versionRows()
    expect(versions.map(({ pipeline_id, version }) => [pipeline_id, version])).toEqual([
      ['app-activity.counts', 1],
      ['churn.score', 1],
      ['signup-funnel.build', 1],
    ])
    expect(versions[2]?.definition).toEqual(compiled.pipelines[1]?.definition)
    expect(versions[2]?.definition_hash).toBe(build.definition_hash)
  })

  it('changes nothing when the same code is deployed again', async () => {
    const before = await pipelineRows()
    const result = await deployCatalog(t.db, await catalog())
    expect(result.products).toEqual({
      created: [],
      updated: [],
      unchanged: ['weekly-signup-funnel', 'churn-scores'],
      archived: [],
    })
    expect(result.pipelines).toEqual({
      created: [],
      updated: [],
      unchanged: ['app-activity.counts', 'signup-funnel.build', 'churn.score'],
      archived: [],
      versions: [],
    })
    expect(await pipelineRows()).toEqual(before)
    expect(await versionRows()).toHaveLength(3)
  })

  it('makes version 2, with a pipeline_versions row, when a step changes', async () => {
    const result = await deployCatalog(t.db, await catalog({ retries: 5 }))
    expect(result.pipelines).toMatchObject({
      updated: ['signup-funnel.build'],
      unchanged: ['app-activity.counts', 'churn.score'],
      versions: [{ id: 'signup-funnel.build', version: 2 }],
    })
    expect(result.products.unchanged).toHaveLength(2)
    const rows = await pipelineRows()
    expect(rows.map(({ id, version }) => [id, version])).toEqual([
      ['app-activity.counts', 1],
      ['churn.score', 1],
      ['signup-funnel.build', 2],
    ])
    const versions = await versionRows()
    expect(versions.map(({ pipeline_id, version }) => [pipeline_id, version])).toEqual([
      ['app-activity.counts', 1],
      ['churn.score', 1],
      ['signup-funnel.build', 1],
      ['signup-funnel.build', 2],
    ])
    const [v1, v2] = versions.slice(2)
    expect(v2?.definition_hash).not.toBe(v1?.definition_hash)
    expect(v2?.definition_hash).toBe(rows[2]?.definition_hash)
    const definition = v2?.definition as { steps: { retries: number }[] } | undefined
    expect(definition?.steps[1]?.retries).toBe(5)
  })

  it('archives what disappeared from code and keeps its history', async () => {
    const result = await deployCatalog(t.db, await catalog({ retries: 5, withoutChurn: true }))
    expect(result.products).toEqual({
      created: [],
      updated: [],
      unchanged: ['weekly-signup-funnel'],
      archived: ['churn-scores'],
    })
    expect(result.pipelines).toEqual({
      created: [],
      updated: [],
      unchanged: ['app-activity.counts', 'signup-funnel.build'],
      archived: ['churn.score'],
      versions: [],
    })
    // The runtime removes the schedulers of pipelines missing from this list.
    expect(result.schedules.map((schedule) => schedule.pipelineId)).toEqual(['signup-funnel.build'])

    const rows = await pipelineRows()
    expect(rows[1]).toMatchObject({ id: 'churn.score', version: 1, archived_at: expect.any(Date) })
    expect(rows.filter((row) => row.archived_at === null).map((row) => row.id)).toEqual([
      'app-activity.counts',
      'signup-funnel.build',
    ])
    const product = await t.db
      .selectFrom('products')
      .select('archived_at')
      .where('id', '=', 'churn-scores')
      .executeTakeFirstOrThrow()
    expect(product.archived_at).toBeInstanceOf(Date)
    expect(await versionRows()).toHaveLength(4)
  })

  it('un-archives what comes back, without a new version when its definition is unchanged', async () => {
    const result = await deployCatalog(t.db, await catalog({ retries: 5 }))
    expect(result.products.updated).toEqual(['churn-scores'])
    expect(result.pipelines).toEqual({
      created: [],
      updated: ['churn.score'],
      unchanged: ['app-activity.counts', 'signup-funnel.build'],
      archived: [],
      versions: [],
    })
    const rows = await pipelineRows()
    expect(rows.map(({ id, version, archived_at }) => [id, version, archived_at])).toEqual([
      ['app-activity.counts', 1, null],
      ['churn.score', 1, null],
      ['signup-funnel.build', 2, null],
    ])
    const product = await t.db
      .selectFrom('products')
      .select('archived_at')
      .where('id', '=', 'churn-scores')
      .executeTakeFirstOrThrow()
    expect(product.archived_at).toBeNull()
  })

  it('lets concurrent deploys of the same catalog finish one after the other', async () => {
    const compiled = await catalog({ retries: 7 })
    const results = await Promise.all([deployCatalog(t.db, compiled), deployCatalog(t.db, compiled)])
    // One deploy made version 3; the other, waiting on the lock, found nothing left to do.
    expect(results.map((result) => result.pipelines.versions).sort((a, b) => b.length - a.length)).toEqual([
      [{ id: 'signup-funnel.build', version: 3 }],
      [],
    ])
    expect((await pipelineRows())[2]?.version).toBe(3)
    expect(await versionRows()).toHaveLength(5)
  })
})
