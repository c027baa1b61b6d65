import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { isStewardError } from '@steward/kernel'
import type { Pipeline } from '@steward/pipelines'
import { redisKeyCount } from '@steward/queue/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRun } from '../runs/create-run.ts'
import { waitForRun } from '../runs/follow-run.ts'
import {
  burstPipeline,
  completionsFile,
  holdPipeline,
  processPipelines,
  releaseFile,
  startedFile,
} from '../testing/process/pipelines.ts'
import type { WorkerMainSettings } from '../testing/process/settings.ts'
import { killAllChildren, startRedisServer, startWorkerProcess } from '../testing/process/worker-process.ts'
import { RuntimeHarness, runtimeTestBackends, sleep, testQueueBackend } from '../testing/runtime-harness.ts'
import { startWorker } from './worker.ts'

/**
 * The runtime against real process deaths: workers are child processes (`node --import tsx`) that
 * the tests SIGKILL mid-step, and the queue loses its jobs under them (Redis keys, or PostgreSQL job rows). On PGlite the test process serves
 * the embedded database and the worker processes connect to its URL, as `npm start` does.
 */
describe.each(runtimeTestBackends)('worker processes on $name', ({ db: backend, queue }) => {
  let t: TestDatabase
  let h: RuntimeHarness | undefined
  let dir: string | undefined
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterEach(async () => {
    // Children first: a worker still running would add keys after the prefix is deleted.
    await killAllChildren()
    await h?.dispose()
    h = undefined
    // Leave no open run behind: the next test's reconciler would pick it up.
    await t.db
      .updateTable('runs')
      .set({ status: 'cancelled' })
      .where('status', 'in', ['queued', 'running'])
      .execute()
    await t.db.updateTable('attempts').set({ status: 'cancelled' }).where('status', '=', 'running').execute()
    if (dir) await rm(dir, { recursive: true, force: true })
    dir = undefined
  })
  afterAll(async () => {
    await killAllChildren()
    await t?.dispose()
  })

  async function setup(pipelines: readonly Pipeline[] = processPipelines) {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy(pipelines)
    dir = await mkdtemp(join(tmpdir(), 'steward-process-test-'))
    return { h, dir }
  }

  function settings(harness: RuntimeHarness, workerId: string, overrides: Partial<WorkerMainSettings> = {}) {
    return {
      databaseUrl: t.url,
      queue: harness.backend,
      prefix: harness.prefix,
      workerId,
      concurrency: 5,
      heartbeatMs: 100,
      reconcile: { everyMs: 200, staleAfterMs: 2_000, queuedGraceMs: 500 },
      // A job a killed worker took but never claimed goes back to the queue within ~3 s, not ~60 s.
      jobLock: { durationMs: 2_000, stalledCheckEveryMs: 1_000 },
      ...overrides,
    } satisfies WorkerMainSettings
  }

  async function completions(where: string) {
    const text = existsSync(completionsFile(where)) ? await readFile(completionsFile(where), 'utf8') : ''
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [runId = '', stepId = '', attempt = '', workerId = ''] = line.split(' ')
        return { runId, stepId, attempt: Number(attempt), workerId }
      })
  }

  async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
      await sleep(25)
    }
  }

  const attemptsOf = (runId: string) =>
    t.db
      .selectFrom('attempts')
      .innerJoin('step_runs', 'step_runs.id', 'attempts.step_run_id')
      .select([
        'step_runs.step_id',
        'attempts.number',
        'attempts.status',
        'attempts.worker_id',
        'attempts.error',
      ])
      .where('attempts.run_id', '=', runId)
      .orderBy('step_runs.step_id')
      .orderBy('attempts.number')
      .execute()

  it('kill -9 in the middle of a step: a new worker process completes the run, the killed attempt is WORKER_LOST, the step completes once', async () => {
    const { h, dir } = await setup([holdPipeline])
    const first = await startWorkerProcess(settings(h, 'worker-1'), dir)
    const { runId } = await startRun(t.db, h.queue, { pipelineId: holdPipeline.id, trigger: 'manual' })
    await waitUntil('hold to start in worker-1', () =>
      existsSync(startedFile(dir, { runId, stepId: 'hold', attempt: 1 })),
    )
    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
    // SQL still believes worker-1 runs the step: only its silence tells otherwise.
    expect((await attemptsOf(runId)).map((a) => [a.step_id, a.number, a.status, a.worker_id])).toEqual([
      ['hold', 1, 'running', 'worker-1'],
    ])

    await writeFile(releaseFile(dir), '')
    const second = await startWorkerProcess(settings(h, 'worker-2'), dir)
    const { run, steps } = await waitForRun(t.db, runId, { timeoutMs: 30_000 })
    expect(run.status).toBe('succeeded')
    expect(steps.map((s) => [s.step_id, s.status, s.attempt_count])).toEqual([
      ['after', 'succeeded', 1],
      ['hold', 'succeeded', 2],
    ])
    expect(
      (await attemptsOf(runId)).map((a) => [
        a.step_id,
        a.number,
        a.status,
        a.worker_id,
        a.error?.code ?? null,
      ]),
    ).toEqual([
      ['after', 1, 'succeeded', 'worker-2', null],
      ['hold', 1, 'failed', 'worker-1', 'WORKER_LOST'],
      ['hold', 2, 'succeeded', 'worker-2', null],
    ])
    // The step's code ran to its end exactly once: in the new worker.
    expect((await completions(dir)).map((c) => [c.stepId, c.attempt, c.workerId])).toEqual([
      ['hold', 2, 'worker-2'],
      ['after', 1, 'worker-2'],
    ])
    // SIGTERM is a graceful stop.
    expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null })
  })

  // The PostgreSQL queue on PGlite runs every queue operation of both workers through the one
  // embedded backend, one at a time: the same burst takes a few times longer there.
  const slow = backend.name === 'pglite' && queue === 'postgres' ? 3 : 1

  it(
    'two worker processes share a burst of 200 runs; after one is SIGKILLed the other finishes them all, no attempt completing twice',
    async () => {
      const { h, dir } = await setup([burstPipeline])
      const stale = { everyMs: 250, staleAfterMs: 3_000, queuedGraceMs: 1_000 }
      const [a, b] = await Promise.all([
        startWorkerProcess(settings(h, 'worker-a', { concurrency: 8, reconcile: stale }), dir),
        startWorkerProcess(settings(h, 'worker-b', { concurrency: 8, reconcile: stale }), dir),
      ])
      const runIds: string[] = []
      for (let batch = 0; batch < 20; batch += 1) {
        const created = await Promise.all(
          Array.from({ length: 10 }, () =>
            startRun(t.db, h.queue, { pipelineId: burstPipeline.id, trigger: 'manual' }),
          ),
        )
        runIds.push(...created.map((c) => c.runId))
      }
      expect(new Set(runIds).size).toBe(200)

      // Kill worker-a partway: once both have done some work and about a third of the steps are done.
      await waitUntil(
        'both workers to complete steps',
        async () => {
          const done = await completions(dir)
          return (
            done.length >= 200 &&
            done.some((c) => c.workerId === 'worker-a') &&
            done.some((c) => c.workerId === 'worker-b')
          )
        },
        60_000 * slow,
      )
      expect(await a.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
      const doneAtKill = (await completions(dir)).length
      expect(doneAtKill).toBeLessThan(600)

      await waitUntil(
        'every run to end',
        async () => {
          const open = await t.db
            .selectFrom('runs')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('pipeline_id', '=', burstPipeline.id)
            .where('status', 'in', ['queued', 'running'])
            .executeTakeFirstOrThrow()
          return Number(open.n) === 0
        },
        90_000 * slow,
      )
      const runs = await t.db
        .selectFrom('runs')
        .select(['id', 'status'])
        .where('pipeline_id', '=', burstPipeline.id)
        .execute()
      expect(runs).toHaveLength(200)
      expect(runs.filter((r) => r.status !== 'succeeded')).toEqual([])

      const stepRuns = await t.db
        .selectFrom('step_runs')
        .select(['id', 'status', 'output'])
        .where('run_id', 'in', runIds)
        .execute()
      expect(stepRuns).toHaveLength(600)
      expect(stepRuns.filter((s) => s.status !== 'succeeded')).toEqual([])

      const attempts = await t.db
        .selectFrom('attempts')
        .innerJoin('step_runs', 'step_runs.id', 'attempts.step_run_id')
        .select(['attempts.run_id', 'step_runs.step_id', 'attempts.number', 'attempts.status'])
        .select(['attempts.worker_id', 'attempts.error', 'attempts.step_run_id'])
        .where('attempts.run_id', 'in', runIds)
        .execute()
      // Exactly one succeeded attempt per step run; every other attempt was worker-a's, lost with it.
      const succeeded = attempts.filter((x) => x.status === 'succeeded')
      expect(succeeded).toHaveLength(600)
      expect(new Set(succeeded.map((x) => x.step_run_id)).size).toBe(600)
      const others = attempts.filter((x) => x.status !== 'succeeded')
      expect(
        others.filter(
          (x) => !(x.status === 'failed' && x.error?.code === 'WORKER_LOST' && x.worker_id === 'worker-a'),
        ),
      ).toEqual([])

      // The steps' own record: no attempt ran to its end twice, and each succeeded attempt did, in its worker.
      const done = await completions(dir)
      const keys = done.map((c) => `${c.runId} ${c.stepId} ${c.attempt}`)
      expect(keys.length - new Set(keys).size).toBe(0)
      const byKey = new Map(done.map((c) => [`${c.runId} ${c.stepId} ${c.attempt}`, c.workerId]))
      expect(
        succeeded.filter((x) => byKey.get(`${x.run_id} ${x.step_id} ${x.number}`) !== x.worker_id),
      ).toEqual([])
      // A step ran to its end more than once only where worker-a died between its end and its commit.
      const lostKeys = new Set(others.map((x) => `${x.run_id} ${x.step_id} ${x.number}`))
      const extra = done.filter(
        (c) =>
          !succeeded.some((x) => x.run_id === c.runId && x.step_id === c.stepId && x.number === c.attempt),
      )
      expect(extra.filter((c) => !lostKeys.has(`${c.runId} ${c.stepId} ${c.attempt}`))).toEqual([])

      const byWorker = (id: string) => succeeded.filter((x) => x.worker_id === id).length
      expect(byWorker('worker-a')).toBeGreaterThan(0)
      expect(byWorker('worker-b')).toBeGreaterThan(0)
      expect(byWorker('worker-a') + byWorker('worker-b')).toBe(600)
      console.info(
        `[${backend.name}] burst: worker-a ${byWorker('worker-a')} steps before its kill (${doneAtKill} done then), worker-b ${byWorker('worker-b')}; ${others.length} attempts lost with worker-a, ${extra.length} ran to their end uncommitted`,
      )
      expect(await b.kill('SIGTERM')).toEqual({ code: 0, signal: null })
    },
    120_000 * slow,
  )

  it('losing every job of the queue mid-run (a FLUSHALL; the job rows on PostgreSQL): the worker process’s reconciler restores it and the runs complete', async () => {
    const { h, dir } = await setup([holdPipeline])
    // Concurrency 1: while run 1's `hold` runs, run 2's `hold` waits in the queue.
    const worker = await startWorkerProcess(
      settings(h, 'worker-1', {
        concurrency: 1,
        reconcile: { everyMs: 200, staleAfterMs: 10_000, queuedGraceMs: 300 },
      }),
      dir,
    )
    const first = await startRun(t.db, h.queue, { pipelineId: holdPipeline.id, trigger: 'manual' })
    await waitUntil('run 1 to start hold', () =>
      existsSync(startedFile(dir, { runId: first.runId, stepId: 'hold', attempt: 1 })),
    )
    const second = await startRun(t.db, h.queue, { pipelineId: holdPipeline.id, trigger: 'manual' })
    expect(await h.queue.getJobCounts('wait', 'active')).toEqual({ wait: 1, active: 1 })

    // Every job goes: the waiting one, the active one and its lock (Redis: the queue's meta too).
    // At least the two jobs (Redis: their keys too). The reconciler may already be adding run 2's
    // job back when we count, but run 1's active job, whose step SQL has claimed, stays gone.
    expect(await h.deleteKeys()).toBeGreaterThanOrEqual(2)
    expect(await h.queue.getJobCounts('active', 'delayed')).toEqual({ active: 0, delayed: 0 })
    // Nothing but the reconciler adds a job now (run 1's step still holds the only slot).
    await waitUntil('the reconciler to enqueue run 2 again', async () => {
      const counts = await h.queue.getJobCounts('wait')
      return (counts.wait ?? 0) >= 1
    })

    await writeFile(releaseFile(dir), '')
    for (const { runId } of [first, second]) {
      const { run, steps } = await waitForRun(t.db, runId, { timeoutMs: 30_000 })
      expect(run.status).toBe('succeeded')
      expect(steps.map((s) => [s.step_id, s.status, s.attempt_count])).toEqual([
        ['after', 'succeeded', 1],
        ['hold', 'succeeded', 1],
      ])
    }
    const done = await completions(dir)
    expect(done.map((c) => [c.runId, c.stepId, c.attempt, c.workerId]).sort()).toEqual(
      [
        [first.runId, 'hold', 1, 'worker-1'],
        [first.runId, 'after', 1, 'worker-1'],
        [second.runId, 'hold', 1, 'worker-1'],
        [second.runId, 'after', 1, 'worker-1'],
      ].sort(),
    )
    expect(await worker.kill('SIGTERM')).toEqual({ code: 0, signal: null })
  })

  // Redis only: eviction is a Redis setting; PostgreSQL never drops rows on its own.
  const redisOnly = queue === 'redis' ? it : () => undefined
  redisOnly(
    'refuses to start on a Redis whose maxmemory-policy evicts keys, naming the policy and noeviction',
    async () => {
      const { h, dir } = await setup([holdPipeline])
      const redis = await startRedisServer(['--maxmemory-policy', 'allkeys-lru'])
      try {
        const refused = await startWorker({
          db: t.db,
          redisUrl: redis.url,
          project: h.project,
          prefix: h.prefix,
          reconcile: false,
        }).then(
          async (worker) => {
            await worker.close()
            return undefined
          },
          (error: unknown) => error,
        )
        expect(isStewardError(refused) && refused.code).toBe('REDIS_EVICTION_POLICY')
        expect((refused as Error).message).toMatch(/maxmemory-policy "allkeys-lru".*noeviction/)

        // A worker process says the same and exits 1 without running.
        const child = await startWorkerProcess(
          settings(h, 'worker-evicting', { queue: { kind: 'redis', url: redis.url } }),
          dir,
          {
            waitReady: false,
          },
        )
        expect(await child.exited).toEqual({ code: 1, signal: null })
        expect(child.output).toContain('maxmemory-policy "allkeys-lru"')
        expect(child.output).toContain('noeviction')
        expect(child.output).not.toContain('READY')
        // It left nothing in that Redis.
        expect(await redisKeyCount(redis.url)).toBe(0)
      } finally {
        await redis.child.kill('SIGTERM')
      }
    },
  )
})
