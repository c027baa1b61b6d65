import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { isStewardError } from '@steward/kernel'
import { definePipeline, step } from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { NonRetryableError } from '../errors.ts'
import { enqueueSteps } from '../queue/runtime-queue.ts'
import {
  aborted,
  RuntimeHarness,
  runtimeTestBackends,
  sleep,
  testProduct,
  testQueueBackend,
} from '../testing/runtime-harness.ts'
import { createRun, startRun } from './create-run.ts'
import { getRunSnapshot, waitForRun } from './follow-run.ts'

describe.each(runtimeTestBackends)('a run’s life on $name', ({ db: backend, queue }) => {
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
  const harness = () => {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    return h
  }
  const attemptsOf = (runId: string) =>
    t.db
      .selectFrom('attempts')
      .innerJoin('step_runs', 'step_runs.id', 'attempts.step_run_id')
      .select(['step_runs.step_id', 'attempts.id', 'attempts.number', 'attempts.status', 'attempts.error'])
      .select(['attempts.started_at', 'attempts.finished_at', 'attempts.worker_id'])
      .where('attempts.run_id', '=', runId)
      .orderBy('step_runs.step_id')
      .orderBy('attempts.number')
      .execute()

  it('runs a diamond in order and hands d the typed outputs of b and c', async () => {
    const diamond = definePipeline({
      id: 'test.diamond',
      product: testProduct,
      params: z.object({ base: z.number().default(1) }),
      steps: (s) =>
        s
          .step('a', { run: async (ctx) => ({ n: ctx.params.base }) })
          .step('b', { needs: ['a'], run: async (_ctx, { a }) => ({ n: a.n + 10 }) })
          .step('c', { needs: ['a'], run: async (_ctx, { a }) => ({ label: `c${a.n}` }) })
          .step('d', {
            needs: ['b', 'c'],
            // b.n is a number and c.label a string: typed from the outputs of b and c.
            run: async (_ctx, { b, c }) => ({ joined: `${c.label}:${b.n + 1}` }),
          }),
    })
    await harness().deploy([diamond])
    await h.startWorker()
    const { runId } = await startRun(t.db, h.queue, {
      pipelineId: 'test.diamond',
      params: { base: 5 },
      trigger: 'manual',
      definition: diamond,
    })
    const { run, steps } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
    expect(run.started_at).not.toBeNull()
    expect(run.finished_at).not.toBeNull()
    const byId = Object.fromEntries(steps.map((step) => [step.step_id, step]))
    expect(byId.d?.output).toEqual({ joined: 'c5:16' })
    expect(steps.every((step) => step.status === 'succeeded' && step.attempt_count === 1)).toBe(true)
    const at = (id: string, key: 'started_at' | 'finished_at') => byId[id]?.[key]?.getTime() ?? Number.NaN
    expect(at('b', 'started_at')).toBeGreaterThanOrEqual(at('a', 'finished_at'))
    expect(at('c', 'started_at')).toBeGreaterThanOrEqual(at('a', 'finished_at'))
    expect(at('d', 'started_at')).toBeGreaterThanOrEqual(
      Math.max(at('b', 'finished_at'), at('c', 'finished_at')),
    )
  })

  it('stores logs, metrics and cost entries per attempt, and the run’s total cost', async () => {
    const reporting = definePipeline({
      id: 'test.reporting',
      product: testProduct,
      steps: (s) =>
        s.step('extract', {
          retries: 1,
          backoff: { type: 'fixed', delay: 10 },
          run: async (ctx) => {
            ctx.log.info('extracting', { attempt: ctx.attempt })
            ctx.metric('rows', 42 * ctx.attempt, { table: 'events' })
            ctx.cost({ usd: 0.25, item: 'warehouse scan', quantity: 3, unit: 'GB' })
            if (ctx.attempt === 1) throw new Error('flaky')
            ctx.log.warn('second try worked')
            return { rows: 84 }
          },
        }),
    })
    await harness().deploy([reporting])
    await h.startWorker({ costRates: { workerHourUsd: { default: 3.6 } } })
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.reporting', trigger: 'manual' })
    const { run } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
    const attempts = await attemptsOf(runId)
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'succeeded'])
    const [first, second] = attempts
    const logs = await t.db.selectFrom('logs').selectAll().where('run_id', '=', runId).orderBy('id').execute()
    expect(logs.map((l) => [l.attempt_id, l.level, l.message, l.fields])).toEqual([
      [first?.id, 'info', 'extracting', { attempt: 1 }],
      [second?.id, 'info', 'extracting', { attempt: 2 }],
      [second?.id, 'warn', 'second try worked', null],
    ])
    const metrics = await t.db
      .selectFrom('metrics')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('id')
      .execute()
    expect(
      metrics.map((m) => [m.attempt_id, m.name, m.value, m.labels, m.pipeline_id, m.product_id]),
    ).toEqual([
      [first?.id, 'rows', 42, { table: 'events' }, 'test.reporting', 'runtime-test'],
      [second?.id, 'rows', 84, { table: 'events' }, 'test.reporting', 'runtime-test'],
    ])
    const costs = await t.db
      .selectFrom('cost_entries')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('id')
      .execute()
    expect(costs.map((c) => [c.attempt_id, c.kind, c.item])).toEqual([
      [first?.id, 'reported', 'warehouse scan'],
      [first?.id, 'compute', 'compute (default)'],
      [second?.id, 'reported', 'warehouse scan'],
      [second?.id, 'compute', 'compute (default)'],
    ])
    expect(costs[0]).toMatchObject({ usd: '0.250000', quantity: 3, unit: 'GB' })
    const total = costs.reduce((sum, c) => sum + Number(c.usd), 0)
    expect(Number(run.cost_usd)).toBeCloseTo(total, 6)
  })

  it('retries with backoff: one attempt row per try, then success', async () => {
    const flaky = definePipeline({
      id: 'test.flaky',
      product: testProduct,
      steps: (s) =>
        s.step('flaky', {
          retries: 3,
          backoff: { type: 'exponential', delay: 50 },
          run: async (ctx) => {
            if (ctx.attempt < 3) throw new Error(`try ${ctx.attempt} failed`)
            return { tries: ctx.attempt }
          },
        }),
    })
    await harness().deploy([flaky])
    await h.startWorker()
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.flaky', trigger: 'manual' })
    const { run, steps } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
    expect(steps[0]).toMatchObject({ status: 'succeeded', attempt_count: 3, output: { tries: 3 } })
    const attempts = await attemptsOf(runId)
    expect(attempts.map((a) => [a.number, a.status, a.error?.message ?? null])).toEqual([
      [1, 'failed', 'try 1 failed'],
      [2, 'failed', 'try 2 failed'],
      [3, 'succeeded', null],
    ])
    // Exponential: 50 ms after the first failure, 100 ms after the second (a little less for clock rounding).
    const gap = (i: number) =>
      (attempts[i + 1]?.started_at.getTime() ?? 0) - (attempts[i]?.finished_at?.getTime() ?? 0)
    expect(gap(0)).toBeGreaterThanOrEqual(40)
    expect(gap(1)).toBeGreaterThanOrEqual(90)
  })

  it('fails at once on NonRetryableError: one attempt, the run failed, later steps skipped', async () => {
    const broken = definePipeline({
      id: 'test.broken',
      product: testProduct,
      steps: (s) =>
        s
          .step('check', {
            retries: 3,
            backoff: { type: 'fixed', delay: 10 },
            run: async () => {
              throw new NonRetryableError('the export is missing', { code: 'EXPORT_MISSING' })
            },
          })
          .step('load', { needs: ['check'], run: async () => ({}) }),
    })
    await harness().deploy([broken])
    await h.startWorker()
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.broken', trigger: 'manual' })
    const { run, steps } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('failed')
    expect(run.error).toMatchObject({
      message: 'step check failed: the export is missing',
      code: 'EXPORT_MISSING',
    })
    expect(steps.map((s) => [s.step_id, s.status, s.attempt_count])).toEqual([
      ['check', 'failed', 1],
      ['load', 'skipped', 0],
    ])
    expect((await attemptsOf(runId)).length).toBe(1)
  })

  it('refuses bad params naming the field, and a run with bad params fails at once without retry', async () => {
    const typed = definePipeline({
      id: 'test.typed-params',
      product: testProduct,
      params: z.object({ week: z.string(), limit: z.number().int().default(10) }),
      steps: (s) => s.step('only', { retries: 3, run: async (ctx) => ({ week: ctx.params.week }) }),
    })
    await harness().deploy([typed])
    await h.startWorker()
    const refused = await createRun(t.db, {
      pipelineId: 'test.typed-params',
      params: { week: 7 },
      trigger: 'manual',
      definition: typed,
    }).catch((error: unknown) => error)
    expect(isStewardError(refused) && refused.code).toBe('PARAMS_INVALID')
    expect((refused as Error).message).toMatch(/params\.week: .*expected string/i)
    // The API side, with only the stored JSON Schema:
    const refusedByJsonSchema = await createRun(t.db, {
      pipelineId: 'test.typed-params',
      params: { limit: 'ten', week: 'w1' },
      trigger: 'manual',
    }).catch((error: unknown) => error)
    expect(isStewardError(refusedByJsonSchema) && refusedByJsonSchema.code).toBe('PARAMS_INVALID')
    expect((refusedByJsonSchema as Error).message).toMatch(/params\.limit/)
    expect(
      await t.db.selectFrom('runs').select('id').where('pipeline_id', '=', 'test.typed-params').execute(),
    ).toEqual([])

    // A run nobody validated (as a schedule creates it) fails in the worker, once.
    const created = await createRun(t.db, {
      pipelineId: 'test.typed-params',
      params: {},
      trigger: 'schedule',
      skipParamsCheck: true,
    })
    await enqueueSteps(h.queue, created.enqueue)
    const { run, steps } = await waitForRun(t.db, created.runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('failed')
    expect(run.error?.code).toBe('PARAMS_INVALID')
    expect(run.error?.message).toMatch(/params\.week/)
    expect(steps[0]).toMatchObject({ status: 'failed', attempt_count: 1 })
  })

  it('aborts the signal on timeout and fails the attempt', async () => {
    let signalFired = false
    const slow = definePipeline({
      id: 'test.slow',
      product: testProduct,
      steps: (s) =>
        s.step('slow', {
          timeout: '80ms',
          run: async (ctx) => {
            await Promise.race([aborted(ctx.signal), sleep(5_000)])
            signalFired = ctx.signal.aborted
            return {}
          },
        }),
    })
    await harness().deploy([slow])
    await h.startWorker()
    const started = Date.now()
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.slow', trigger: 'manual' })
    const { run } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(run.status).toBe('failed')
    expect(run.error?.code).toBe('STEP_TIMEOUT')
    expect(signalFired).toBe(true)
    const attempts = await attemptsOf(runId)
    expect(attempts.map((a) => [a.status, a.error?.code])).toEqual([['timed_out', 'STEP_TIMEOUT']])
  })

  it('records compute cost = measured wall time × the worker class rate', async () => {
    const timed = definePipeline({
      id: 'test.timed',
      product: testProduct,
      steps: (s) => s.step('work', { run: async () => sleep(120) }),
    })
    await harness().deploy([timed])
    // 36 USD an hour = 0.01 USD a second.
    await h.startWorker({ workerClass: 'large', costRates: { workerHourUsd: { default: 1, large: 36 } } })
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.timed', trigger: 'manual' })
    const { run } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
    const [compute] = await t.db.selectFrom('cost_entries').selectAll().where('run_id', '=', runId).execute()
    expect(compute).toMatchObject({ kind: 'compute', item: 'compute (large)', unit: 'seconds' })
    const seconds = compute?.quantity ?? 0
    expect(seconds).toBeGreaterThanOrEqual(0.115)
    expect(seconds).toBeLessThan(1)
    expect(Number(compute?.usd)).toBeCloseTo(seconds * 0.01, 5)
    expect(Number(run.cost_usd)).toBeCloseTo(seconds * 0.01, 5)
  })

  it('fails the run promptly when one branch of a diamond fails for good; the join never runs', async () => {
    let joinRan = false
    let siblingSignalled = false
    // The branch fails only once its sibling runs: the point is a sibling still running when the run
    // fails, not which of the two a busy machine happens to start first.
    let siblingStarted = () => {}
    const siblingRunning = new Promise<void>((resolve) => {
      siblingStarted = resolve
    })
    const fanIn = definePipeline({
      id: 'test.fan-in',
      product: testProduct,
      steps: (s) =>
        s
          .step('a', { run: async () => ({}) })
          .step('bad', {
            needs: ['a'],
            run: async () => {
              await siblingRunning
              throw new NonRetryableError('branch broke')
            },
          })
          .step('slow', {
            needs: ['a'],
            run: async (ctx) => {
              siblingStarted()
              await Promise.race([aborted(ctx.signal), sleep(5_000)])
              siblingSignalled = ctx.signal.aborted
              return {}
            },
          })
          .step('join', {
            needs: ['bad', 'slow'],
            run: async () => {
              joinRan = true
              return {}
            },
          }),
    })
    await harness().deploy([fanIn])
    await h.startWorker()
    const started = Date.now()
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.fan-in', trigger: 'manual' })
    const { run } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('failed')
    expect(Date.now() - started).toBeLessThan(2_000)
    // The sibling still running sees its signal abort and ends cancelled.
    for (let i = 0; i < 40 && !siblingSignalled; i++) await sleep(50)
    expect(siblingSignalled).toBe(true)
    await sleep(100)
    const steps = (await getRunSnapshot(t.db, runId))?.steps ?? []
    expect(steps.map((s) => [s.step_id, s.status])).toEqual([
      ['a', 'succeeded'],
      ['bad', 'failed'],
      ['join', 'skipped'],
      ['slow', 'cancelled'],
    ])
    expect(joinRan).toBe(false)
  })

  it('enqueues the same step twice as one job, and a stale job is skipped', async () => {
    const once = definePipeline({
      id: 'test.once',
      product: testProduct,
      steps: (s) => s.step('only', { run: async () => ({ ok: true }) }),
    })
    await harness().deploy([once])
    const created = await createRun(t.db, { pipelineId: 'test.once', trigger: 'manual' })
    await enqueueSteps(h.queue, created.enqueue)
    await enqueueSteps(h.queue, created.enqueue)
    expect(await h.queue.getJobCounts('wait')).toEqual({ wait: 1 })
    await h.startWorker()
    const { run } = await waitForRun(t.db, created.runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
    // The job again, after the fact: SQL says the attempt is done, so the worker skips it.
    await enqueueSteps(h.queue, created.enqueue)
    await sleep(200)
    expect((await attemptsOf(created.runId)).length).toBe(1)
    expect((await getRunSnapshot(t.db, created.runId))?.run.status).toBe('succeeded')
  })

  it('a closing worker records every step it claimed and leaves the rest to another worker', async () => {
    const bs = Array.from({ length: 30 }, (_, i) => `b${String(i).padStart(2, '0')}`)
    const fan = definePipeline({
      id: 'test.closing-fan',
      product: testProduct,
      steps: Object.fromEntries([
        ['a', step({ run: async () => null })],
        ...bs.map((id) => [id, step({ needs: ['a'], run: async () => sleep(5) })]),
        ['c', step({ needs: bs, run: async () => null })],
      ]),
    })
    await harness().deploy([fan])
    // Short steps: the worker claims the whole fan-out at once (see LocalSlots).
    const first = await h.startWorker({ concurrency: 4 })
    const { runId } = await startRun(t.db, h.queue, {
      pipelineId: fan.id,
      trigger: 'manual',
      definition: fan,
    })
    const stepStatuses = async () => {
      const snapshot = await getRunSnapshot(t.db, runId)
      return Object.fromEntries((snapshot?.steps ?? []).map((step) => [step.step_id, step.status]))
    }
    for (const deadline = Date.now() + 10_000; ; await sleep(2)) {
      const statuses = await stepStatuses()
      if (bs.some((id) => statuses[id] === 'succeeded')) break
      if (Date.now() > deadline) throw new Error(`no b succeeded: ${JSON.stringify(statuses)}`)
    }
    await first.close()
    // Everything the closed worker had claimed is recorded: nothing is left running.
    const afterClose = await stepStatuses()
    expect(Object.entries(afterClose).filter(([, status]) => status === 'running')).toEqual([])
    expect(afterClose.c).not.toBe('succeeded')

    await h.startWorker()
    const { run, steps } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
    // Each step ran once: none was lost or run again by the second worker.
    expect(steps.filter((step) => step.attempt_count !== 1)).toEqual([])
    const attempts = await attemptsOf(runId)
    expect(attempts).toHaveLength(bs.length + 2)
    expect(attempts.find((attempt) => attempt.step_id === 'c')?.worker_id).toBe('test-worker-2')
  })

  it('a worker claims only into its free slots steps of a kind it has not seen to be short', async () => {
    const bs = Array.from({ length: 8 }, (_, i) => `b${i}`)
    const fan = definePipeline({
      id: 'test.long-fan',
      product: testProduct,
      steps: Object.fromEntries([
        ['a', step({ run: async () => null })],
        ...bs.map((id) => [id, step({ needs: ['a'], run: async () => sleep(300) })]),
      ]),
    })
    await harness().deploy([fan])
    await h.startWorker({ concurrency: 2 })
    await h.startWorker({ concurrency: 2 })
    const { runId } = await startRun(t.db, h.queue, {
      pipelineId: fan.id,
      trigger: 'manual',
      definition: fan,
    })
    const { run } = await waitForRun(t.db, runId, { timeoutMs: 15_000 })
    expect(run.status).toBe('succeeded')
    // The worker that ran a took two b's into its free slots, not all eight ahead of its slots:
    // the other worker ran some of them.
    const workers = new Set(
      (await attemptsOf(runId))
        .filter((attempt) => attempt.step_id !== 'a')
        .map((attempt) => attempt.worker_id),
    )
    expect([...workers].sort()).toEqual(['test-worker-1', 'test-worker-2'])
  })
})
