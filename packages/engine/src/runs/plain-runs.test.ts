import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { isStewardError } from '@steward/kernel'
import { definePipeline, step } from '@steward/pipelines'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileCatalog } from '../deploy/compile-catalog.ts'
import { deployCatalog } from '../deploy/deploy-catalog.ts'
import { createProject } from '../loader/create-project.ts'
import { testProduct } from '../testing/runtime-harness.ts'
import { createRun } from './create-run.ts'

const fan = definePipeline({
  id: 'test.plain-fan',
  product: testProduct,
  steps: {
    a: step({ run: async () => null }),
    b: step({ needs: ['a'], retries: 2, run: async () => null }),
    c: step({ needs: ['a'], run: async () => null }),
  },
})
const limited = definePipeline({
  id: 'test.plain-limited',
  product: testProduct,
  maxConcurrentRuns: 1,
  steps: { only: step({ run: async () => null }) },
})

describe.each(testBackends)('runs started at once on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    const project = await createProject({
      products: [testProduct],
      pipelines: [fan, limited],
      root: import.meta.dirname,
    })
    await deployCatalog(t.db, compileCatalog(project))
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('share their inserts, each run with its own step runs, and a run that needs more takes the full path', async () => {
    const started = await Promise.allSettled([
      ...Array.from({ length: 20 }, (_, i) =>
        createRun(t.db, {
          pipelineId: fan.id,
          trigger: 'manual',
          params: {},
          definition: fan,
          triggerDetail: { i },
        }),
      ),
      createRun(t.db, { pipelineId: limited.id, trigger: 'manual', definition: limited }),
      createRun(t.db, { pipelineId: limited.id, trigger: 'manual', definition: limited }),
      createRun(t.db, { pipelineId: 'test.nowhere', trigger: 'manual', skipParamsCheck: true }),
    ])
    const fans = started.slice(0, 20)
    for (const [i, result] of fans.entries()) {
      if (result.status !== 'fulfilled') throw result.reason
      const { runId, enqueue, admitted } = result.value
      expect(admitted).toBe(true)
      const run = await t.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow()
      expect([run.pipeline_id, run.status, run.trigger, run.trigger_detail]).toEqual([
        fan.id,
        'queued',
        'manual',
        { i },
      ])
      const steps = await t.db
        .selectFrom('step_runs')
        .select(['id', 'step_id', 'status', 'needs', 'max_attempts'])
        .where('run_id', '=', runId)
        .orderBy('step_id')
        .execute()
      expect(steps.map((s) => [s.step_id, s.status, s.needs, s.max_attempts])).toEqual([
        ['a', 'queued', [], 1],
        ['b', 'pending', ['a'], 3],
        ['c', 'pending', ['a'], 1],
      ])
      expect(enqueue).toEqual([
        { runId, stepRunId: steps[0]?.id, stepId: 'a', pipelineId: fan.id, attempt: 1, delayMs: 0 },
      ])
    }
    // maxConcurrentRuns = 1: the first is admitted, the second waits with its steps pending.
    const admitted = started
      .slice(20, 22)
      .map((result) => result.status === 'fulfilled' && result.value.admitted)
    expect(admitted.sort()).toEqual([false, true])
    const missing = started[22]
    expect(missing?.status).toBe('rejected')
    if (missing?.status === 'rejected') {
      expect(isStewardError(missing.reason) && missing.reason.code).toBe('PIPELINE_NOT_FOUND')
    }
  })
})
