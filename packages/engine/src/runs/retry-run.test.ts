import { migrateToLatest, type StepSpec } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { definePipeline } from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { RuntimeHarness, testProduct } from '../testing/runtime-harness.ts'
import { startRun } from './create-run.ts'
import { waitForRun } from './follow-run.ts'
import { retryRun, reusableSteps } from './retry-run.ts'

describe.each(testBackends)('retry from failed on $name', (backend) => {
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

  it('runs the failed and skipped steps again in a new run, reusing the outputs of the succeeded ones', async () => {
    const calls = { extract: 0, right: 0, left: 0, join: 0 }
    let failLeft = true
    let rightDone!: () => void
    const rightFinished = new Promise<void>((resolve) => {
      rightDone = resolve
    })
    const diamond = definePipeline({
      id: 'test.retry-diamond',
      product: testProduct,
      params: z.object({ day: z.string() }),
      steps: (s) =>
        s
          .step('extract', {
            run: async (ctx) => {
              calls.extract += 1
              return { path: `/data/${ctx.params.day}.csv` }
            },
          })
          .step('right', {
            needs: ['extract'],
            run: async () => {
              calls.right += 1
              rightDone()
              return { rows: 7 }
            },
          })
          .step('left', {
            needs: ['extract'],
            run: async (_ctx, { extract }) => {
              calls.left += 1
              // Fail only once the sibling has succeeded, so the failed run keeps its output.
              await rightFinished
              if (failLeft) throw new Error('warehouse timed out')
              return { from: extract.path }
            },
          })
          .step('join', {
            needs: ['left', 'right'],
            run: async (_ctx, { left, right }) => {
              calls.join += 1
              return { summary: `${left.from}:${right.rows}` }
            },
          }),
    })
    h = new RuntimeHarness(t.db)
    await h.deploy([diamond])
    await h.startWorker()
    const { runId } = await startRun(t.db, h.queue, {
      pipelineId: 'test.retry-diamond',
      params: { day: '2026-11-20' },
      trigger: 'manual',
    })
    const failed = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(failed.run.status).toBe('failed')
    expect(failed.steps.map((s) => [s.step_id, s.status])).toEqual([
      ['extract', 'succeeded'],
      ['join', 'skipped'],
      ['left', 'failed'],
      ['right', 'succeeded'],
    ])

    failLeft = false
    const retried = await retryRun(t.db, h.queue, runId, { triggerDetail: { via: 'test' } })
    expect(retried.runId).not.toBe(runId)
    expect(retried.reused.sort()).toEqual(['extract', 'right'])
    expect(retried.rerun.sort()).toEqual(['join', 'left'])

    const done = await waitForRun(t.db, retried.runId, { timeoutMs: 10_000 })
    expect(done.run.status).toBe('succeeded')
    expect(done.run.trigger).toBe('manual')
    expect(done.run.trigger_detail).toEqual({ via: 'test', retryOf: runId })
    expect(done.run.params).toEqual({ day: '2026-11-20' })
    expect(done.steps.find((s) => s.step_id === 'join')?.output).toEqual({
      summary: '/data/2026-11-20.csv:7',
    })
    // Reused steps did not run again: no attempt, their output copied.
    expect(calls).toEqual({ extract: 1, right: 1, left: 2, join: 1 })
    const extract = done.steps.find((s) => s.step_id === 'extract')
    expect(extract).toMatchObject({
      status: 'succeeded',
      attempt_count: 0,
      output: { path: '/data/2026-11-20.csv' },
    })
    const attempts = await t.db
      .selectFrom('attempts')
      .innerJoin('step_runs', 'step_runs.id', 'attempts.step_run_id')
      .select('step_runs.step_id')
      .where('attempts.run_id', '=', retried.runId)
      .orderBy('step_runs.step_id')
      .execute()
    expect(attempts.map((a) => a.step_id)).toEqual(['join', 'left'])

    // The failed run is left as it was.
    const original = await t.db
      .selectFrom('runs')
      .select(['status', 'error'])
      .where('id', '=', runId)
      .executeTakeFirst()
    expect(original?.status).toBe('failed')
    expect(original?.error?.message).toMatch(/step left failed: warehouse timed out/)
  })

  it('refuses runs that did not fail, and unknown runs, naming why', async () => {
    const ok = definePipeline({
      id: 'test.retry-ok',
      product: testProduct,
      steps: (s) => s.step('one', { run: async () => ({}) }),
    })
    h = new RuntimeHarness(t.db)
    await h.deploy([ok])
    await h.startWorker()
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.retry-ok', trigger: 'manual' })
    expect((await waitForRun(t.db, runId, { timeoutMs: 10_000 })).run.status).toBe('succeeded')
    await expect(retryRun(t.db, h.queue, runId)).rejects.toMatchObject({
      code: 'RUN_NOT_RETRYABLE',
      message: expect.stringContaining('succeeded'),
    })
    await expect(retryRun(t.db, h.queue, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    })
  })
})

describe('reusableSteps', () => {
  const spec = (id: string, needs: string[] = [], codeHash = `h-${id}`): StepSpec => ({
    id,
    needs,
    retries: 0,
    backoffType: 'exponential',
    backoffMs: 1000,
    timeoutMs: null,
    codeHash,
  })
  const old = new Map([spec('a'), spec('b', ['a']), spec('c', ['b'])].map((s) => [s.id, s]))
  const outputs = new Map<string, unknown>([
    ['a', { x: 1 }],
    ['b', { y: 2 }],
  ])

  it('reuses unchanged succeeded steps with their outputs', () => {
    const current = [spec('a'), spec('b', ['a']), spec('c', ['b'])]
    expect(reusableSteps(current, old, outputs)).toEqual(
      new Map<string, unknown>([
        ['a', { x: 1 }],
        ['b', { y: 2 }],
      ]),
    )
  })

  it('re-runs a step whose code changed, and everything downstream of it', () => {
    const current = [spec('a', [], 'h-a2'), spec('b', ['a']), spec('c', ['b'])]
    expect([...reusableSteps(current, old, outputs).keys()]).toEqual([])
  })

  it('re-runs a step whose needs changed, and steps that are new', () => {
    const current = [spec('a'), spec('n'), spec('b', ['a', 'n']), spec('c', ['b'])]
    expect([...reusableSteps(current, old, outputs).keys()]).toEqual(['a'])
  })
})
