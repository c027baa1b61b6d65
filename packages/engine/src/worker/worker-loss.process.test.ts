import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRun } from '../runs/create-run.ts'
import { waitForRun } from '../runs/follow-run.ts'
import { holdPipeline, releaseFile, spinMs, spinPipeline, startedFile } from '../testing/process/pipelines.ts'
import type { WorkerMainSettings } from '../testing/process/settings.ts'
import { killAllChildren, startWorkerProcess } from '../testing/process/worker-process.ts'
import { RuntimeHarness, runtimeTestBackends, sleep, testQueueBackend } from '../testing/runtime-harness.ts'
import { reconcile } from './reconciler.ts'

/**
 * How fast and how truthfully a lost worker is told from a busy one, with worker processes: one
 * whose steps hold its event loop keeps its heartbeats (they come from a thread), and one killed
 * with -9 has its steps running again elsewhere within 20 s with the default settings.
 */
describe.each(runtimeTestBackends)('worker loss on $name', ({ db: backend, queue }) => {
  let t: TestDatabase
  let h: RuntimeHarness | undefined
  let dir: string | undefined
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterEach(async () => {
    await killAllChildren()
    await h?.dispose()
    h = undefined
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

  async function setup() {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([holdPipeline, spinPipeline])
    dir = await mkdtemp(join(tmpdir(), 'steward-worker-loss-'))
    return { h, dir }
  }

  const settings = (harness: RuntimeHarness, workerId: string, overrides: Partial<WorkerMainSettings> = {}) =>
    ({
      databaseUrl: t.url,
      queue: harness.backend,
      prefix: harness.prefix,
      workerId,
      concurrency: 5,
      heartbeatMs: 200,
      reconcile: false,
      ...overrides,
    }) satisfies WorkerMainSettings

  const attemptsOf = async (runId: string, stepId: string) =>
    (
      await t.db
        .selectFrom('attempts')
        .innerJoin('step_runs', 'step_runs.id', 'attempts.step_run_id')
        .select(['attempts.number', 'attempts.status', 'attempts.worker_id', 'attempts.error'])
        .where('attempts.run_id', '=', runId)
        .where('step_runs.step_id', '=', stepId)
        .orderBy('attempts.number')
        .execute()
    ).map((a) => [a.number, a.status, a.worker_id, a.error?.code ?? null])

  it('steps that keep the event loop busy for longer than the heartbeat timeout are not declared lost', async () => {
    const { h, dir } = await setup()
    const worker = await startWorkerProcess(settings(h, 'busy-worker'), dir)
    const runs = await Promise.all(
      [1, 2].map(() => startRun(t.db, h.queue, { pipelineId: spinPipeline.id, trigger: 'manual' })),
    )
    // A reconciler in this process, with a timeout half each step's busy time, watching throughout
    // (a quarter proved too tight for a heartbeat thread on a machine running the whole suite).
    const staleAfterMs = spinMs / 2
    let failedAttempts = 0
    let watching = true
    const watcher = (async () => {
      while (watching) {
        failedAttempts += (await reconcile(t.db, h.queue, { staleAfterMs, queuedGraceMs: 60_000 }))
          .failedAttempts
        await sleep(100)
      }
    })()
    try {
      for (const { runId } of runs) {
        const { run } = await waitForRun(t.db, runId, { timeoutMs: 60_000 })
        expect(run.status).toBe('succeeded')
        const timeline = await t.db
          .selectFrom('attempts')
          .select(['number', 'started_at', 'heartbeat_at', 'finished_at', 'error'])
          .where('run_id', '=', runId)
          .execute()
        // On failure: when each attempt started, last beat and ended, and what the worker said.
        const why = `${JSON.stringify(timeline)}\nworker output:\n${worker.output}`
        expect(await attemptsOf(runId, 'spin'), why).toEqual([[1, 'succeeded', 'busy-worker', null]])
      }
    } finally {
      watching = false
      await watcher
    }
    expect(failedAttempts).toBe(0)
  })

  it('kill -9: with the default settings, the killed worker’s step runs again on another worker within 20 s', async () => {
    const { h, dir } = await setup()
    const firstWorker = await startWorkerProcess(settings(h, 'worker-1'), dir)
    const { runId } = await startRun(t.db, h.queue, { pipelineId: holdPipeline.id, trigger: 'manual' })
    const first = { runId, stepId: 'hold', attempt: 1 }
    const waitFor = async (what: string, check: () => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`)
        await sleep(50)
      }
    }
    await waitFor('start of hold in worker-1', () => existsSync(startedFile(dir, first)), 30_000)
    // The second worker runs the reconciler with every default (timeout, interval, retry delay).
    const second = await startWorkerProcess(settings(h, 'worker-2', { reconcile: {} }), dir)
    const killedAt = Date.now()
    await firstWorker.kill('SIGKILL')
    await waitFor('retry of hold', () => existsSync(startedFile(dir, { ...first, attempt: 2 })), 25_000)
    const retriedAfterMs = Date.now() - killedAt
    expect(retriedAfterMs).toBeLessThan(20_000)
    await writeFile(releaseFile(dir), '')
    const { run } = await waitForRun(t.db, runId, { timeoutMs: 30_000 })
    expect(run.status).toBe('succeeded')
    expect(await attemptsOf(runId, 'hold')).toEqual([
      [1, 'failed', 'worker-1', 'WORKER_LOST'],
      [2, 'succeeded', 'worker-2', null],
    ])
    await second.kill('SIGTERM')
  })
})
