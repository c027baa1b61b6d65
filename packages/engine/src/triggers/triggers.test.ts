import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { afterSuccessOf, definePipeline } from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRun } from '../runs/create-run.ts'
import { waitForRun } from '../runs/follow-run.ts'
import {
  RuntimeHarness,
  runtimeTestBackends,
  sleep,
  testProduct,
  testQueueBackend,
} from '../testing/runtime-harness.ts'
import { scheduleId, syncSchedules } from './sync-schedules.ts'

describe.each(runtimeTestBackends)('triggers on $name', ({ db: backend, queue }) => {
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

  it('creates a downstream run (trigger upstream) when the upstream run succeeds', async () => {
    const counts = definePipeline({
      id: 'test.counts',
      product: testProduct,
      steps: (s) => s.step('count', { run: async () => ({ n: 1 }) }),
    })
    const funnel = definePipeline({
      id: 'test.funnel',
      product: testProduct,
      triggers: [afterSuccessOf(counts)],
      steps: (s) => s.step('build', { run: async () => ({ ok: true }) }),
    })
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([counts, funnel])
    await h.startWorker()
    const { runId } = await startRun(t.db, h.queue, { pipelineId: 'test.counts', trigger: 'manual' })
    expect((await waitForRun(t.db, runId, { timeoutMs: 10_000 })).run.status).toBe('succeeded')
    const downstream = await t.db
      .selectFrom('runs')
      .select(['id', 'trigger', 'trigger_detail'])
      .where('pipeline_id', '=', 'test.funnel')
      .execute()
    expect(downstream).toHaveLength(1)
    expect(downstream[0]).toMatchObject({
      trigger: 'upstream',
      trigger_detail: { upstreamRunId: runId, upstreamPipelineId: 'test.counts' },
    })
    const { run } = await waitForRun(t.db, downstream[0]?.id ?? '', { timeoutMs: 10_000 })
    expect(run.status).toBe('succeeded')
  })

  it('syncs job schedulers with the deployed schedules, and a firing creates a scheduled run', async () => {
    const everySecond = definePipeline({
      id: 'test.every-second',
      product: testProduct,
      schedule: { cron: '* * * * * *', timezone: 'Asia/Seoul' },
      steps: (s) => s.step('tick', { run: async () => ({}) }),
    })
    const weekly = definePipeline({
      id: 'test.weekly',
      product: testProduct,
      schedule: { cron: '0 6 * * 1', timezone: 'UTC' },
      steps: (s) => s.step('tick', { run: async () => ({}) }),
    })
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([everySecond, weekly])
    await h.queue.upsertJobScheduler('schedule.removed-from-code', { pattern: '0 0 * * *' })
    const synced = await syncSchedules(h.queue, h.deployed.schedules)
    expect(synced).toEqual({
      upserted: [scheduleId('test.every-second'), scheduleId('test.weekly')],
      removed: ['schedule.removed-from-code'],
    })
    const schedulers = await h.queue.getJobSchedulers(0, -1)
    expect(schedulers.map((s) => [s.id ?? s.key, s.pattern, s.tz]).sort()).toEqual([
      ['schedule.test.every-second', '* * * * * *', 'Asia/Seoul'],
      ['schedule.test.weekly', '0 6 * * 1', 'UTC'],
    ])

    await h.startWorker()
    let scheduled: { id: string }[] = []
    for (let i = 0; i < 50 && scheduled.length === 0; i++) {
      await sleep(100)
      scheduled = await t.db
        .selectFrom('runs')
        .select('id')
        .where('pipeline_id', '=', 'test.every-second')
        .where('trigger', '=', 'schedule')
        .execute()
    }
    expect(scheduled.length).toBeGreaterThan(0)
    expect((await waitForRun(t.db, scheduled[0]?.id ?? '', { timeoutMs: 10_000 })).run.status).toBe(
      'succeeded',
    )

    // The pipeline's schedule removed from code: its scheduler goes.
    expect(await syncSchedules(h.queue, [])).toEqual({
      upserted: [],
      removed: ['schedule.test.every-second', 'schedule.test.weekly'],
    })
  })
})
