import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { testRedisUrl } from '@steward/queue/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { getBackfillProgress } from '../runs/backfill-progress.ts'
import { startBackfill } from '../runs/create-backfill.ts'
import { completionsFile, dailyPipeline } from '../testing/process/pipelines.ts'
import { killAllChildren, startWorkerProcess } from '../testing/process/worker-process.ts'
import { RuntimeHarness, sleep } from '../testing/runtime-harness.ts'

/** A backfill against a real process death: its runs live in SQL, so a kill -9 only delays them. */
describe.each(testBackends)('backfill across worker processes on $name', (backend) => {
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
    if (dir) await rm(dir, { recursive: true, force: true })
  })
  afterAll(async () => {
    await killAllChildren()
    await t?.dispose()
  })

  it('31 days at concurrency 4: a worker SIGKILLed midway, a new one finishes, 31 succeed, never more than 4 at once', async () => {
    h = new RuntimeHarness(t.db)
    await h.deploy([dailyPipeline])
    dir = await mkdtemp(join(tmpdir(), 'steward-backfill-test-'))
    const settings = (workerId: string) => ({
      databaseUrl: t.url,
      queue: h?.backend ?? { kind: 'redis' as const, url: testRedisUrl },
      prefix: h?.prefix ?? '',
      workerId,
      concurrency: 8,
      heartbeatMs: 100,
      reconcile: { everyMs: 200, staleAfterMs: 2_000, queuedGraceMs: 500 },
      jobLock: { durationMs: 2_000, stalledCheckEveryMs: 1_000 },
    })
    const first = await startWorkerProcess(settings('worker-1'), dir)
    const created = await startBackfill(t.db, h.queue, {
      pipelineId: dailyPipeline.id,
      from: '2026-10-01',
      to: '2026-10-31',
      concurrency: 4,
    })
    expect(created.partitions).toHaveLength(31)
    const completed = async () =>
      existsSync(completionsFile(dir ?? ''))
        ? (await readFile(completionsFile(dir ?? ''), 'utf8')).split('\n').length - 1
        : 0
    const deadline = Date.now() + 60_000
    while ((await completed()) < 8 && Date.now() < deadline) await sleep(25)
    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
    const atKill = await getBackfillProgress(t.db, created.backfillId)
    expect(atKill.done).toBe(false)

    await startWorkerProcess(settings('worker-2'), dir)
    let progress = atKill
    while (!progress.done && Date.now() < deadline + 60_000) {
      await sleep(100)
      progress = await getBackfillProgress(t.db, created.backfillId)
    }
    expect([progress.backfill.status, progress.succeeded, progress.failed]).toEqual(['succeeded', 31, 0])
    // Runs holding a slot at once, from SQL: never more than the backfill's concurrency.
    const runs = await t.db
      .selectFrom('runs')
      .select(['started_at', 'finished_at'])
      .where('backfill_id', '=', created.backfillId)
      .execute()
    const edges = runs.flatMap((run) => [
      { at: run.started_at?.getTime() ?? 0, delta: 1 },
      { at: run.finished_at?.getTime() ?? 0, delta: -1 },
    ])
    edges.sort((a, b) => a.at - b.at || a.delta - b.delta)
    let open = 0
    let peak = 0
    for (const edge of edges) {
      open += edge.delta
      peak = Math.max(peak, open)
    }
    expect(peak).toBeLessThanOrEqual(4)
    // Every run's step ran to its end in code, each run its own partition.
    const lines = (await readFile(completionsFile(dir), 'utf8')).split('\n').filter((l) => l !== '')
    expect(new Set(lines.map((line) => line.split(' ')[0])).size).toBe(31)
  })
})
