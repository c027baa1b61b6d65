import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { definePipeline } from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  aborted,
  RuntimeHarness,
  runtimeTestBackends,
  sleep,
  testProduct,
  testQueueBackend,
} from '../testing/runtime-harness.ts'
import { cancelRun } from './cancel-run.ts'
import { startRun } from './create-run.ts'
import { getRunSnapshot, waitForRun } from './follow-run.ts'

describe.each(runtimeTestBackends)('cancel and maxConcurrentRuns on $name', ({ db: backend, queue }) => {
  let t: TestDatabase
  let h: RuntimeHarness
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

  it('cancels mid-run: the running step’s signal aborts, pending steps end cancelled, the run cancelled', async () => {
    let signalled = false
    let started!: () => void
    const running = new Promise<void>((resolve) => {
      started = resolve
    })
    const long = definePipeline({
      id: 'test.long',
      product: testProduct,
      steps: (s) =>
        s
          .step('wait', {
            run: async (ctx) => {
              started()
              await Promise.race([aborted(ctx.signal), sleep(10_000)])
              signalled = ctx.signal.aborted
              return {}
            },
          })
          .step('after', { needs: ['wait'], run: async () => ({}) })
          .step('last', { needs: ['after'], run: async () => ({}) }),
    })
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([long])
    await h.startWorker()
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.long', trigger: 'manual' })
    await running
    const cancelled = await cancelRun(t.db, runId, { queue: h.queue })
    expect(cancelled.status).toBe('running')
    const { run, steps } = await waitForRun(t.db, runId, { timeoutMs: 5_000 })
    expect(run.status).toBe('cancelled')
    expect(run.cancel_requested_at).not.toBeNull()
    expect(signalled).toBe(true)
    expect(steps.map((s) => [s.step_id, s.status])).toEqual([
      ['after', 'cancelled'],
      ['last', 'cancelled'],
      ['wait', 'cancelled'],
    ])
    const attempts = await t.db.selectFrom('attempts').select('status').where('run_id', '=', runId).execute()
    expect(attempts).toEqual([{ status: 'cancelled' }])
    // Cancelling again, or a finished run, changes nothing.
    expect(await cancelRun(t.db, runId)).toEqual({ status: 'cancelled', alreadyEnded: true })
  })

  it('cancels a run that has not started at once', async () => {
    const idle = definePipeline({
      id: 'test.idle',
      product: testProduct,
      steps: (s) => s.step('one', { run: async () => ({}) }),
    })
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([idle])
    // No worker: the step stays queued.
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.idle', trigger: 'manual' })
    expect(await cancelRun(t.db, runId)).toEqual({ status: 'cancelled', alreadyEnded: false })
    const snapshot = await getRunSnapshot(t.db, runId)
    expect(snapshot?.steps.map((s) => s.status)).toEqual(['cancelled'])
    // Its job, when a worker takes it, is skipped.
    await h.startWorker()
    await sleep(200)
    expect(await t.db.selectFrom('attempts').select('id').where('run_id', '=', runId).execute()).toEqual([])
  })

  it('maxConcurrentRuns = 1 never runs two runs of the pipeline at once; later runs wait, then run', async () => {
    let active = 0
    let most = 0
    const single = definePipeline({
      id: 'test.single',
      product: testProduct,
      maxConcurrentRuns: 1,
      steps: (s) =>
        s
          .step('first', {
            run: async () => {
              active += 1
              most = Math.max(most, active)
              await sleep(30)
              return {}
            },
          })
          .step('second', {
            needs: ['first'],
            run: async () => {
              await sleep(30)
              active -= 1
              return {}
            },
          }),
    })
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([single])
    await h.startWorker({ concurrency: 5 })
    const runs = []
    for (let i = 0; i < 4; i++) {
      runs.push(await startRun(t.db, h.queue, { pipelineId: 'test.single', trigger: 'manual' }))
    }
    expect(runs.map((r) => r.admitted)).toEqual([true, false, false, false])
    for (const { runId } of runs) {
      expect((await waitForRun(t.db, runId, { timeoutMs: 10_000 })).run.status).toBe('succeeded')
    }
    expect(most).toBe(1)
    const finished = await t.db
      .selectFrom('runs')
      .select(['started_at', 'finished_at'])
      .where('pipeline_id', '=', 'test.single')
      .orderBy('started_at')
      .execute()
    for (let i = 1; i < finished.length; i++) {
      expect(finished[i]?.started_at?.getTime()).toBeGreaterThanOrEqual(
        finished[i - 1]?.finished_at?.getTime() ?? 0,
      )
    }
  })
})
