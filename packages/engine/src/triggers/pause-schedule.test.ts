import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { definePipeline } from '@steward/pipelines'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  RuntimeHarness,
  runtimeTestBackends,
  sleep,
  testProduct,
  testQueueBackend,
} from '../testing/runtime-harness.ts'
import { reconcile } from '../worker/reconciler.ts'
import { pauseSchedule, resumeSchedule } from './pause-schedule.ts'
import { syncSchedules } from './sync-schedules.ts'

describe.each(runtimeTestBackends)('pausing a schedule on $name', ({ db: backend, queue }) => {
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

  // Every second (a seconds field), so the test sees fires without waiting for minutes.
  const everySecond = definePipeline({
    id: 'test.every-second',
    product: testProduct,
    schedule: { cron: '* * * * * *', timezone: 'UTC' },
    steps: (s) => s.step('tick', { run: async () => 1 }),
  })
  const unscheduled = definePipeline({
    id: 'test.unscheduled',
    product: testProduct,
    steps: (s) => s.step('tick', { run: async () => 1 }),
  })

  const scheduledRunsBetween = async (from: Date, to: Date) =>
    (
      await t.db
        .selectFrom('runs')
        .select('id')
        .where('pipeline_id', '=', everySecond.id)
        .where('trigger', '=', 'schedule')
        .where('created_at', '>', from)
        .where('created_at', '<', to)
        .execute()
    ).length
  const schedulers = async () => (await h.queue.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key)

  it('a paused schedule starts no run, stays paused across deploys and reconciles, and fires again once resumed', async () => {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([everySecond, unscheduled])
    await syncSchedules(h.queue, h.deployed.schedules)
    await h.startWorker({ reconcile: { everyMs: 200, queuedGraceMs: 0 } })
    const deadline = Date.now() + 15_000
    while ((await scheduledRunsBetween(new Date(0), new Date(Date.now() + 60_000))) === 0) {
      if (Date.now() > deadline) throw new Error('the schedule never fired')
      await sleep(100)
    }

    const paused = await pauseSchedule(t.db, h.queue, everySecond.id, { by: 'ana@example.com' })
    expect([paused.pausedAt !== null, paused.pausedBy]).toEqual([true, 'ana@example.com'])
    expect(await schedulers()).toEqual([])
    // A deploy and its sync, and the reconciler, leave it paused.
    await h.deploy([everySecond, unscheduled])
    expect(h.deployed.schedules).toEqual([])
    await syncSchedules(h.queue, h.deployed.schedules)
    expect((await reconcile(t.db, h.queue)).schedulesRepaired).toBe(0)
    const quietFrom = new Date(Date.now() + 1_000)
    await sleep(3_000)
    expect(await scheduledRunsBetween(quietFrom, new Date())).toBe(0)
    // Pausing twice changes nothing, not even who paused it.
    expect((await pauseSchedule(t.db, h.queue, everySecond.id, { by: 'cli' })).pausedBy).toBe(
      'ana@example.com',
    )

    const resumedAt = new Date()
    const resumed = await resumeSchedule(t.db, h.queue, everySecond.id)
    expect(resumed.pausedAt).toBeNull()
    expect(await schedulers()).toEqual(['schedule.test.every-second'])
    const again = Date.now() + 15_000
    while ((await scheduledRunsBetween(resumedAt, new Date(Date.now() + 60_000))) === 0) {
      if (Date.now() > again) throw new Error('the resumed schedule never fired')
      await sleep(100)
    }
    // Stop it firing into the next test.
    await pauseSchedule(t.db, h.queue, everySecond.id, { by: 'test' })
  })

  it('names the pipeline when it is unknown or has no schedule', async () => {
    h = new RuntimeHarness(t.db, testQueueBackend(queue, t))
    await h.deploy([unscheduled])
    await expect(pauseSchedule(t.db, h.queue, 'test.nope', { by: 'cli' })).rejects.toThrow(
      'no pipeline "test.nope" in the deployed catalog',
    )
    await expect(resumeSchedule(t.db, h.queue, unscheduled.id)).rejects.toThrow(
      'pipeline "test.unscheduled" has no schedule to pause or resume',
    )
  })
})
