import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { definePipeline } from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRun } from '../runs/create-run.ts'
import { waitForRun } from '../runs/follow-run.ts'
import {
  RuntimeHarness,
  runtimeTestBackends,
  testProduct,
  testQueueBackend,
} from '../testing/runtime-harness.ts'

// The code a worker holds does not depend on the backends: one pair is enough.
describe.each(runtimeTestBackends.slice(0, 1))(
  'a worker’s code after a deploy on $name',
  ({ db: backend, queue }) => {
    let t: TestDatabase
    let h: RuntimeHarness | undefined
    beforeAll(async () => {
      t = await backend.open()
      await migrateToLatest(t.db)
    })
    afterEach(async () => {
      await h?.dispose()
    })
    afterAll(async () => {
      await t?.dispose()
    })

    const v1 = definePipeline({
      id: 'test.reload',
      product: testProduct,
      steps: (s) => s.step('a', { run: async () => ({ code: 1 }) }),
    })
    const v2 = definePipeline({
      id: 'test.reload',
      product: testProduct,
      steps: (s) =>
        s
          .step('a', { run: async () => ({ code: 2 }) })
          .step('b', { needs: ['a'], run: async () => ({ b: true }) }),
    })

    it('fails a step it has no code for saying what to do, and runs the new code after loadCode', async () => {
      h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
      await h.deploy([v1])
      const worker = await h.startWorker()
      // Deployed from elsewhere: the catalog is at version 2, the worker still has version 1's code.
      await h.deploy([v2])

      const stale = await startRun(t.db, h.queue, { pipelineId: 'test.reload', trigger: 'manual' })
      const failed = await waitForRun(t.db, stale.runId, { timeoutMs: 10_000 })
      expect(failed.run.status).toBe('failed')
      const byId = Object.fromEntries(failed.steps.map((step) => [step.step_id, step]))
      // A step whose code hash the worker does not hold runs with its current code, as before.
      expect(byId.a?.output).toEqual({ code: 1 })
      expect(byId.b?.error).toMatchObject({
        code: 'STEP_NOT_LOADED',
        message: expect.stringMatching(
          /has no code for step b of pipeline test\.reload \(version 2\): .*restart the worker \(steward worker\), or under steward dev save a definition file/,
        ),
      })

      await worker.loadCode(h.project)
      const fresh = await startRun(t.db, h.queue, { pipelineId: 'test.reload', trigger: 'manual' })
      const done = await waitForRun(t.db, fresh.runId, { timeoutMs: 10_000 })
      expect(done.run.status).toBe('succeeded')
      expect(done.steps.find((step) => step.step_id === 'a')?.output).toEqual({ code: 2 })
    })
  },
)
