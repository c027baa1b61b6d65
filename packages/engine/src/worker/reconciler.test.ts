import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { definePipeline } from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cancelRun } from '../runs/cancel-run.ts'
import { startRun } from '../runs/create-run.ts'
import { waitForRun } from '../runs/follow-run.ts'
import { claimStep } from '../store/claim-step.ts'
import { finishAttempt } from '../store/finish-attempt.ts'
import { finishAttempts } from '../store/finish-attempts.ts'
import {
  RuntimeHarness,
  runtimeTestBackends,
  sleep,
  testProduct,
  testQueueBackend,
} from '../testing/runtime-harness.ts'
import { syncSchedules, upsertSchedule } from '../triggers/sync-schedules.ts'
import { reconcile } from './reconciler.ts'

describe.each(runtimeTestBackends)('the reconciler on $name', ({ db: backend, queue }) => {
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

  const chain = definePipeline({
    id: 'test.chain',
    product: testProduct,
    steps: (s) =>
      s
        .step('extract', {
          retries: 1,
          backoff: { type: 'fixed', delay: 10 },
          run: async () => ({ rows: 3 }),
        })
        .step('load', { needs: ['extract'], run: async (_ctx, { extract }) => ({ loaded: extract.rows }) }),
  })

  it('re-enqueues queued steps whose jobs Redis lost (a FLUSHALL), and the run still succeeds', async () => {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([chain])
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.chain', trigger: 'manual' })
    expect(await h.queue.getJobCounts('wait')).toEqual({ wait: 1 })
    expect(await h.deleteKeys()).toBeGreaterThan(0)
    expect(await h.queue.getJobCounts('wait')).toEqual({ wait: 0 })

    const report = await reconcile(t.db, h.queue, { queuedGraceMs: 0 })
    expect(report).toEqual({ requeued: 1, failedAttempts: 0, schedulesRepaired: 0 })
    // Reconciling again while the job waits adds nothing.
    expect(await reconcile(t.db, h.queue, { queuedGraceMs: 0 })).toEqual({
      requeued: 0,
      failedAttempts: 0,
      schedulesRepaired: 0,
    })
    await h.startWorker()
    const { run, steps } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
    expect(steps.map((s) => [s.step_id, s.attempt_count, s.output])).toEqual([
      ['extract', 1, { rows: 3 }],
      ['load', 1, { loaded: 3 }],
    ])
  })

  it('runs on a timer in the worker: a flush while nothing runs is repaired without help', async () => {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([chain])
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.chain', trigger: 'manual' })
    await h.deleteKeys()
    await h.startWorker({ reconcile: { everyMs: 100, queuedGraceMs: 0 } })
    const { run } = await waitForRun(t.db, runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
  })

  it('fails the attempt of a worker that died (no heartbeat) and retries the step elsewhere', async () => {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([chain])
    const created = await startRun(t.db, h.queue, { pipelineId: 'test.chain', trigger: 'manual' })
    const job = created.enqueue[0]
    if (!job) throw new Error('no first step')
    // A worker takes the step, then is killed with -9: its attempt stays running, its job is gone.
    const claimed = await claimStep(t.db, job, 'killed-worker')
    expect(claimed).toBeDefined()
    await h.deleteKeys()
    await t.db
      .updateTable('attempts')
      .set({ heartbeat_at: new Date(Date.now() - 60_000) })
      .where('run_id', '=', created.runId)
      .execute()

    expect(await reconcile(t.db, h.queue, { staleAfterMs: 5_000, queuedGraceMs: 0 })).toEqual({
      requeued: 0,
      failedAttempts: 1,
      schedulesRepaired: 0,
    })
    // A second reconciler finds nothing left to do.
    expect(await reconcile(t.db, h.queue, { staleAfterMs: 5_000, queuedGraceMs: 0 })).toEqual({
      requeued: 0,
      failedAttempts: 0,
      schedulesRepaired: 0,
    })
    await h.startWorker()
    const { run } = await waitForRun(t.db, created.runId, { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
    const attempts = await t.db
      .selectFrom('attempts')
      .select(['number', 'status', 'worker_id', 'error'])
      .where('step_run_id', '=', job.stepRunId)
      .orderBy('number')
      .execute()
    expect(attempts.map((a) => [a.number, a.status, a.worker_id, a.error?.code ?? null])).toEqual([
      [1, 'failed', 'killed-worker', 'WORKER_LOST'],
      [2, 'succeeded', 'test-worker-1', null],
    ])
  })

  it('retries a step without retries whose worker died, twice; a third loss fails it', async () => {
    const fragile = definePipeline({
      id: 'test.fragile',
      product: testProduct,
      steps: (s) => s.step('only', { retries: 0, run: async () => 1 }),
    })
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([fragile])
    const created = await startRun(t.db, h.queue, { pipelineId: 'test.fragile', trigger: 'manual' })
    const first = created.enqueue[0]
    if (!first) throw new Error('no first step')
    const stepRun = () =>
      t.db
        .selectFrom('step_runs')
        .select(['status', 'attempt_count', 'max_attempts'])
        .where('id', '=', first.stepRunId)
        .executeTakeFirstOrThrow()
    for (const attempt of [1, 2, 3]) {
      const claimed = await claimStep(t.db, { ...first, attempt }, `killed-worker-${attempt}`)
      expect(claimed, `attempt ${attempt} claimed`).toBeDefined()
      await t.db
        .updateTable('attempts')
        .set({ heartbeat_at: new Date(Date.now() - 60_000) })
        .where('run_id', '=', created.runId)
        .where('status', '=', 'running')
        .execute()
      const report = await reconcile(t.db, h.queue, { staleAfterMs: 5_000, queuedGraceMs: 60_000 })
      expect(report.failedAttempts).toBe(1)
      if (attempt < 3) {
        expect(await stepRun()).toEqual({
          status: 'queued',
          attempt_count: attempt,
          max_attempts: attempt + 1,
        })
        await t.db
          .updateTable('step_runs')
          .set({ queued_at: new Date() })
          .where('id', '=', first.stepRunId)
          .execute()
      }
    }
    expect(await stepRun()).toEqual({ status: 'failed', attempt_count: 3, max_attempts: 3 })
    const run = await t.db
      .selectFrom('runs')
      .select('status')
      .where('id', '=', created.runId)
      .executeTakeFirst()
    expect(run?.status).toBe('failed')
  })

  it("fails a dead worker's attempt of a step that still ran when its run failed", async () => {
    const pair = definePipeline({
      id: 'test.pair',
      product: testProduct,
      steps: (s) => s.step('left', { run: async () => 1 }).step('right', { run: async () => 2 }),
    })
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([pair])
    const created = await startRun(t.db, h.queue, { pipelineId: 'test.pair', trigger: 'manual' })
    const [left, right] = await Promise.all(
      created.enqueue.map((job) => claimStep(t.db, job, 'killed-worker')),
    )
    if (!left || !right) throw new Error('both steps should be claimed')
    const draining = () =>
      t.db
        .selectFrom('runs')
        .select(['status', 'draining'])
        .where('id', '=', created.runId)
        .executeTakeFirst()
    // One branch fails for good: the run fails at once while the other still runs...
    await finishAttempt(t.db, {
      runId: created.runId,
      stepRunId: left.stepRun.id,
      attemptId: left.attemptId,
      outcome: { status: 'failed', retryable: false, error: { message: 'boom' } },
    })
    expect(await draining()).toEqual({ status: 'failed', draining: true })
    // ...on a worker that then dies: the reconciler still finds that attempt, through its run.
    await t.db
      .updateTable('attempts')
      .set({ heartbeat_at: new Date(Date.now() - 60_000) })
      .where('id', '=', right.attemptId)
      .execute()
    expect(await reconcile(t.db, h.queue, { staleAfterMs: 5_000, queuedGraceMs: 0 })).toEqual({
      requeued: 0,
      failedAttempts: 1,
      schedulesRepaired: 0,
    })
    expect(await draining()).toEqual({ status: 'failed', draining: false })
    const steps = await t.db
      .selectFrom('step_runs')
      .select(['step_id', 'status'])
      .where('run_id', '=', created.runId)
      .orderBy('step_id')
      .execute()
    expect(steps).toEqual([
      { step_id: 'left', status: 'failed' },
      { step_id: 'right', status: 'failed' },
    ])
  })

  it("records a retry's output when the attempt given up on ends late in the same group", async () => {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([chain])
    const created = await startRun(t.db, h.queue, { pipelineId: 'test.chain', trigger: 'manual' })
    const job = created.enqueue[0]
    if (!job) throw new Error('no first step')
    const first = await claimStep(t.db, job, 'slow-worker')
    if (!first) throw new Error('not claimed')
    // The reconciler gives the first attempt up; the retry is claimed by another worker.
    const given = await finishAttempt(t.db, {
      runId: created.runId,
      stepRunId: first.stepRun.id,
      attemptId: first.attemptId,
      outcome: { status: 'failed', retryable: true, error: { message: 'lost', code: 'WORKER_LOST' } },
    })
    const retryJob = given.enqueue[0]
    if (!retryJob) throw new Error('no retry')
    const second = await claimStep(t.db, retryJob, 'other-worker')
    if (!second) throw new Error('retry not claimed')
    // Both end in one finishing group, the retry first: only the retry's end counts.
    const end = (attempt: typeof first, rows: number) => ({
      runId: created.runId,
      stepRunId: attempt.stepRun.id,
      attemptId: attempt.attemptId,
      outcome: { status: 'succeeded' as const, output: { rows } },
    })
    const [retried, late] = await finishAttempts(t.db, [end(second, 2), end(first, 1)])
    expect([retried?.recorded, late?.recorded]).toEqual([true, false])
    const extract = await t.db
      .selectFrom('step_runs')
      .select(['status', 'output'])
      .where('id', '=', first.stepRun.id)
      .executeTakeFirst()
    expect(extract).toEqual({ status: 'succeeded', output: { rows: 2 } })
    // Leaves nothing queued for the next test's reconciler.
    expect(await cancelRun(t.db, created.runId)).toEqual({ status: 'cancelled', alreadyEnded: false })
  })

  it('does not touch an attempt whose worker still heartbeats', async () => {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([chain])
    const created = await startRun(t.db, h.queue, { pipelineId: 'test.chain', trigger: 'manual' })
    const job = created.enqueue[0]
    if (!job) throw new Error('no first step')
    await claimStep(t.db, job, 'live-worker')
    expect(await reconcile(t.db, h.queue, { staleAfterMs: 5_000, queuedGraceMs: 0 })).toEqual({
      requeued: 0,
      failedAttempts: 0,
      schedulesRepaired: 0,
    })
  })

  const everyMinute = definePipeline({
    id: 'test.every-minute',
    product: testProduct,
    schedule: { cron: '* * * * *', timezone: 'Europe/Berlin' },
    steps: (s) => s.step('tick', { run: async () => 1 }),
  })

  it('gives the queue back the job schedulers it lost, from the deployed schedules in SQL, and removes those SQL no longer wants', async () => {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([everyMinute])
    await syncSchedules(h.queue, h.deployed.schedules)
    const schedulers = async () =>
      (await h.queue.getJobSchedulers(0, -1)).map((s) => [s.id ?? s.key, s.pattern, s.tz])
    expect(await schedulers()).toEqual([['schedule.test.every-minute', '* * * * *', 'Europe/Berlin']])
    // Nothing to repair while the queue agrees with SQL.
    expect((await reconcile(t.db, h.queue)).schedulesRepaired).toBe(0)

    // Redis restarted empty (the PostgreSQL queue's rows deleted); a stray scheduler appears too.
    await h.deleteKeys()
    expect(await schedulers()).toEqual([])
    await upsertSchedule(h.queue, { pipelineId: 'test.gone', cron: '0 6 * * *', timezone: 'UTC' })
    expect((await reconcile(t.db, h.queue)).schedulesRepaired).toBe(2)
    expect(await schedulers()).toEqual([['schedule.test.every-minute', '* * * * *', 'Europe/Berlin']])
    expect((await reconcile(t.db, h.queue)).schedulesRepaired).toBe(0)
  })

  it('a lost schedule fires again from the worker’s own reconciler, without a deploy', async () => {
    // Every two seconds (a seconds field), so the test need not wait for minutes to turn.
    const everyTwoSeconds = definePipeline({
      id: 'test.every-two-seconds',
      product: testProduct,
      schedule: { cron: '*/2 * * * * *', timezone: 'UTC' },
      steps: (s) => s.step('tick', { run: async () => 1 }),
    })
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([everyTwoSeconds])
    await syncSchedules(h.queue, h.deployed.schedules)
    await h.startWorker({ reconcile: { everyMs: 250, queuedGraceMs: 0 } })
    const scheduledRunsSince = async (since: Date) =>
      (
        await t.db
          .selectFrom('runs')
          .select('id')
          .where('pipeline_id', '=', 'test.every-two-seconds')
          .where('trigger', '=', 'schedule')
          .where('created_at', '>', since)
          .execute()
      ).length
    const fired = async (since: Date, what: string) => {
      const deadline = Date.now() + 15_000
      while ((await scheduledRunsSince(since)) === 0) {
        if (Date.now() > deadline) throw new Error(`no scheduled run ${what} within 15 s`)
        await sleep(100)
      }
    }
    await fired(new Date(0), 'at all')
    const lostAt = new Date()
    await h.deleteKeys()
    await fired(lostAt, 'after the queue lost its schedulers')
    // Stop firing before the next test: archive the pipeline and let the repair remove its scheduler.
    await h.deploy([])
    await reconcile(t.db, h.queue)
    expect(await h.queue.getJobSchedulers(0, -1)).toEqual([])
  })
})
